// A correct long-running poller with the AWS SDK for JavaScript v3: every shard followed with
// NextShardIterator (empty pages are normal), children read only after their parents are read
// to their end, throttling and expired iterators handled, and application events reported
// (shardsim_events.js), so shardsim judges processing, checkpoints and beliefs too. Runs until
// SIGTERM. The SDK's default client (HTTP/2); endpoint from SHARDSIM_ENDPOINT, stream from
// SHARDSIM_STREAM, SDK packages from NODE_PATH.
//
// Checkpoints are durable: a file in SHARDSIM_STATE_DIR (kept in memory without it), written
// (atomically, fsynced) after the page's records are reported processed and before the
// checkpoint is reported, and read at start, so a consumer killed by a scenario's crash resumes
// after its last checkpoint and redelivers only what it had not checkpointed.
'use strict';
const fs = require('fs');
const path = require('path');
const { KinesisClient, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } =
    require('@aws-sdk/client-kinesis');
const { ShardsimEvents } = require('./shardsim_events');

const kinesis = new KinesisClient({
  endpoint: process.env.SHARDSIM_ENDPOINT || process.env.AWS_ENDPOINT_URL,
  region: process.env.AWS_REGION || 'us-east-1',
});
const events = new ShardsimEvents();
process.on('SIGTERM', () => process.exit(0));

// shard -> the last sequence number processed, or null once the shard is read to its end.
class Checkpoints {
  constructor(stateDir) {
    this.file = stateDir ? path.join(stateDir, 'checkpoints.json') : null;
    this.byShard = this.file && fs.existsSync(this.file) ? JSON.parse(fs.readFileSync(this.file, 'utf8')) : {};
  }

  save(shardId, sequenceNumber) {
    this.byShard[shardId] = sequenceNumber;
    if (!this.file) return;
    const temporary = `${this.file}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    fs.writeSync(fd, JSON.stringify(this.byShard));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(temporary, this.file);
  }
}

async function consume(stream) {
  const checkpoints = new Checkpoints(process.env.SHARDSIM_STATE_DIR);
  const saved = Object.entries(checkpoints.byShard);
  const finished = new Set(saved.filter(([, seq]) => seq === null).map(([id]) => id));
  const position = new Map(saved.filter(([, seq]) => seq !== null));
  const iterators = new Map();
  for (;;) {
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const known = new Set(Shards.map((s) => s.ShardId));
    for (const shard of Shards) {
      const id = shard.ShardId;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(Boolean);
      if (finished.has(id) || parents.some((p) => known.has(p) && !finished.has(p))) continue;
      if (!iterators.has(id)) {
        const start = position.has(id)
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.get(id) }
          : { ShardIteratorType: 'TRIM_HORIZON' };
        let got;
        try {
          got = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: id, ...start }));
        } catch (e) {
          if (e.name !== 'InvalidArgumentException' || !position.has(id)) throw e;
          // The checkpoint fell below the trim horizon (down longer than the retention period):
          // what lay between has expired; go on from the oldest record left.
          got = await kinesis.send(new GetShardIteratorCommand({
            StreamName: stream, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }));
        }
        iterators.set(id, got.ShardIterator);
      }
      let page;
      try {
        page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterators.get(id), Limit: 1000 }));
      } catch (e) {
        if (e.name === 'ExpiredIteratorException') { iterators.delete(id); continue; }
        if (e.name === 'ProvisionedThroughputExceededException') continue;
        throw e;
      }
      for (const record of page.Records) {
        events.processed(id, record.SequenceNumber);
        position.set(id, record.SequenceNumber);
      }
      if (page.Records.length > 0) {
        await events.flush();  // processed, then checkpointed: at least once
        checkpoints.save(id, position.get(id));
        await events.checkpoint(id, position.get(id));
      }
      if (!page.NextShardIterator) {
        await events.flush();
        checkpoints.save(id, null);
        await events.checkpoint(id, null, true);
        await events.shardEnd(id);
        finished.add(id);
        iterators.delete(id);
        continue;
      }
      iterators.set(id, page.NextShardIterator);
      if (page.MillisBehindLatest === 0) await events.caughtUp(id);
    }
    await events.flush();
  }
}

consume(process.env.SHARDSIM_STREAM || 'stream').catch((e) => {
  console.error(e);
  process.exit(1);
});
