// The AWS SDK for JavaScript v3 reading by enhanced fan-out, exactly as generated (its default
// NodeHttp2Handler: HTTP/2 with prior knowledge on http://), against the server named by
// SHARDSIM_ENDPOINT (started by tests/clients/harness.py).
//
// The seed article's walk as events: 'a' and 'b', 17 h 33 min of silence (the server's clock
// API), then '3'. A consumer subscribed AFTER 'b' gets events without records while
// MillisBehindLatest shrinks; each subscription ends after 5 minutes of virtual time, and the
// test resubscribes AFTER_SEQUENCE_NUMBER of the last ContinuationSequenceNumber, as a correct
// fan-out consumer does, until '3' arrives.
'use strict';

const assert = require('node:assert/strict');

let sdk;
try {
  sdk = require('@aws-sdk/client-kinesis');
} catch (e) {
  console.error(`FAIL: npm package @aws-sdk/client-kinesis is missing (${e.code}); ` +
                'scripts/setup_clients.sh installs it (npm ci in tests/clients/node)');
  process.exit(1);
}
const {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand,
  RegisterStreamConsumerCommand, DescribeStreamConsumerCommand, ListShardsCommand,
  SubscribeToShardCommand,
} = sdk;

const endpoint = process.env.SHARDSIM_ENDPOINT;
const MAX_SUBSCRIPTIONS = 5;  // the walk takes about one; the bound ends a broken run

async function waitFor(what, poll) {
  for (let i = 0; i < 50; i++) {
    if (await poll()) return;
  }
  throw new Error(`${what} did not happen in 50 calls`);
}

async function main() {
  const kinesis = new KinesisClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'js-efo', secretAccessKey: 'x' },
  });
  assert.equal(kinesis.config.requestHandler.constructor.name, 'NodeHttp2Handler');
  await kinesis.send(new CreateStreamCommand({ StreamName: 'efo', ShardCount: 1 }));
  let streamArn;
  await waitFor('ACTIVE stream', async () => {
    const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'efo' }));
    streamArn = d.StreamDescriptionSummary.StreamARN;
    return d.StreamDescriptionSummary.StreamStatus === 'ACTIVE';
  });
  const put = (data) => kinesis.send(new PutRecordCommand({
    StreamName: 'efo', PartitionKey: 'k', Data: Buffer.from(data) }));
  await put('a');
  const b = await put('b');
  const advanced = await fetch(`${endpoint}/_shardsim/clock`, {
    method: 'POST', body: JSON.stringify({ advance: '17h33m' }) });
  assert.equal(advanced.status, 200, 'the clock API moves virtual time');
  await put('3');

  const registered = await kinesis.send(new RegisterStreamConsumerCommand({
    StreamARN: streamArn, ConsumerName: 'js-efo' }));
  const consumerArn = registered.Consumer.ConsumerARN;
  await waitFor('ACTIVE consumer', async () => {
    const d = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
    return d.ConsumerDescription.ConsumerStatus === 'ACTIVE';
  });
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: 'efo' }));
  const shardId = shards.Shards[0].ShardId;

  let position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: b.SequenceNumber };
  const lags = [];
  let found = null;
  let subscriptions = 0;
  while (found === null && subscriptions < MAX_SUBSCRIPTIONS) {
    subscriptions++;
    const sub = await kinesis.send(new SubscribeToShardCommand({
      ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }));
    for await (const message of sub.EventStream) {
      const event = message.SubscribeToShardEvent;
      assert.ok(event, `an event stream message other than SubscribeToShardEvent: ${Object.keys(message)}`);
      if (event.Records.length > 0) {
        found = event.Records.map((r) => Buffer.from(r.Data).toString());
        break;
      }
      lags.push(event.MillisBehindLatest);
      position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: event.ContinuationSequenceNumber };
    }
  }
  assert.deepEqual(found, ['3'], `'3' after ${subscriptions} subscription(s)`);
  assert.ok(lags.length >= 100, `a walk of events without records, not ${lags.length}`);
  for (let i = 1; i < lags.length; i++) {
    assert.ok(lags[i] <= lags[i - 1], `MillisBehindLatest grew at event ${i}: ${lags[i - 1]} -> ${lags[i]}`);
  }
  assert.ok(lags[0] > 60 * 60 * 1000, `the first event is hours behind, not ${lags[0]} ms`);
  console.log(`  ${lags.length} events without records over ${subscriptions} subscription(s), ` +
              `MillisBehindLatest ${lags[0]} -> ${lags[lags.length - 1]}, then '3'`);
  console.log('PASS: AWS SDK for JavaScript v3 SubscribeToShard with its default handler (HTTP/2)');
  process.exit(0);
}

main().catch((e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
