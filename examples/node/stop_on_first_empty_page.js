// The stop-on-first-empty-page loop with the AWS SDK for JavaScript v3, a batch job over every
// shard: the shape of many Node consumers ("no records: we are done"). shardsim check --client
// fails it with no_abandoned_shard after an idle gap; kinesalite never shows it.
//
// The Kinesis client is the SDK's default (HTTP/2, which shardsim serve speaks). The endpoint
// comes from SHARDSIM_ENDPOINT (or AWS_ENDPOINT_URL), the stream from SHARDSIM_STREAM; the SDK
// packages from NODE_PATH (tests/clients/node/node_modules, installed by scripts/setup_clients.sh).
'use strict';
const { KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } =
    require('@aws-sdk/client-kinesis');

const kinesis = new KinesisClient({
  endpoint: process.env.SHARDSIM_ENDPOINT || process.env.AWS_ENDPOINT_URL,
  region: process.env.AWS_REGION || 'us-east-1',
});

async function consume(stream) {
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of Shards) {
    let { ShardIterator: it } = await kinesis.send(new GetShardIteratorCommand({
      StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (it) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
      if (page.Records.length === 0) break;  // "no more data"
      for (const record of page.Records) console.log(shard.ShardId, record.SequenceNumber);
      it = page.NextShardIterator;
    }
  }
}

consume(process.env.SHARDSIM_STREAM || 'stream').catch((e) => {
  console.error(e);
  process.exit(1);
});
