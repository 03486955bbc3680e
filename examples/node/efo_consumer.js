// A correct enhanced fan-out consumer with the AWS SDK for JavaScript v3 (SubscribeToShardCommand
// with the SDK's default client, NodeHttp2Handler: HTTP/2, unmodified), the twin of
// examples/python/efo_consumer.py: one registered consumer (found again after a restart:
// ResourceInUseException), waited for until ACTIVE; every shard read through subscriptions, one
// at a time, each `for await` over its EventStream to its end and resubscribed AFTER the last
// event's ContinuationSequenceNumber when its five minutes end (so an idle stretch is walked,
// not skipped); a closed shard's end (an event without ContinuationSequenceNumber: ChildShards
// follow) finishes it, and a child is read only once its parents are finished; a resubscription
// within 5 s (ResourceInUseException) is tried again at the next round; application events
// reported (shardsim_events.js), so shardsim judges processing, checkpoints and beliefs too.
// Runs until SIGTERM. Endpoint from SHARDSIM_ENDPOINT, stream from SHARDSIM_STREAM, SDK
// packages from NODE_PATH.
//
// Checkpoints are durable (a file in SHARDSIM_STATE_DIR, kept in memory without it, as in
// drain.js): the last record processed per shard, written (atomically, fsynced) after the
// records are reported processed and before the checkpoint is reported; a restarted consumer
// resubscribes AFTER it.
//
// Expected verdicts under `shardsim check --client`:
//   node efo_consumer.js                          pass (the seed article's scenario; generated cases)
//   node efo_consumer.js --resubscribe-at-latest  no_skipping_subscription
// The flag gives the classic fan-out bug, the twin of efo_resubscribe_at_latest.py: when a
// subscription's five minutes end it subscribes again at LATEST, skipping whatever it had not
// yet been sent (on the seed article's scenario: after walking the idle day it subscribes at
// LATEST as '3' arrives).
'use strict';
const fs = require('fs');
const path = require('path');
const {
  KinesisClient, DescribeStreamSummaryCommand, RegisterStreamConsumerCommand,
  DescribeStreamConsumerCommand, ListShardsCommand, SubscribeToShardCommand,
} = require('@aws-sdk/client-kinesis');
const { ShardsimEvents } = require('./shardsim_events');

const kinesis = new KinesisClient({
  endpoint: process.env.SHARDSIM_ENDPOINT || process.env.AWS_ENDPOINT_URL,
  region: process.env.AWS_REGION || 'us-east-1',
});
const events = new ShardsimEvents();
const CONSUMER = process.env.EFO_CONSUMER_NAME || 'efo-example';
const POLL_SLEEP_S = Number(process.env.POLL_SLEEP_S || '0');
process.on('SIGTERM', () => process.exit(0));

// shard -> the last sequence number processed, or null once the shard is read to its end.
class Checkpoints {
  constructor(stateDir) {
    this.file = stateDir ? path.join(stateDir, 'efo-checkpoints.json') : null;
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

// The consumer's ARN, registered (or found, after a restart) and ACTIVE.
async function activeConsumer(stream) {
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
  const streamArn = summary.StreamDescriptionSummary.StreamARN;
  let arn = null;
  try {
    const registered = await kinesis.send(new RegisterStreamConsumerCommand({
      StreamARN: streamArn, ConsumerName: CONSUMER }));
    arn = registered.Consumer.ConsumerARN;
  } catch (e) {
    if (e.name !== 'ResourceInUseException') throw e;
  }
  for (;;) {
    const d = await kinesis.send(new DescribeStreamConsumerCommand(
      arn === null ? { StreamARN: streamArn, ConsumerName: CONSUMER } : { ConsumerARN: arn }));
    arn = d.ConsumerDescription.ConsumerARN;
    if (d.ConsumerDescription.ConsumerStatus === 'ACTIVE') return arn;
  }
}

// One subscription, read to its end. Returns the position to resume at (the last
// continuation), or null when the shard was read to its end.
async function readSubscription(consumerArn, shardId, position, checkpoints) {
  const response = await kinesis.send(new SubscribeToShardCommand({
    ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }));
  let resume = position;
  // Leaving the loop early (the shard's end, an error) returns the iterator, which destroys the
  // HTTP/2 stream: the twin of the Python one's EventStream.close().
  for await (const message of response.EventStream) {
    const e = message.SubscribeToShardEvent;
    if (!e) throw new Error(`an event stream message other than SubscribeToShardEvent: ${Object.keys(message)}`);
    const records = e.Records || [];
    for (const record of records) events.processed(shardId, record.SequenceNumber);
    if (records.length > 0) {
      const last = records[records.length - 1].SequenceNumber;
      await events.flush();  // processed, then checkpointed: at least once
      checkpoints.save(shardId, last);
      await events.checkpoint(shardId, last);
    }
    if (e.ContinuationSequenceNumber === undefined || e.ContinuationSequenceNumber === null) {
      // The shard's end: ChildShards follow.
      await events.flush();
      checkpoints.save(shardId, null);
      await events.checkpoint(shardId, null, true);
      await events.shardEnd(shardId);
      return null;
    }
    resume = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: e.ContinuationSequenceNumber };
    if (e.MillisBehindLatest === 0) await events.caughtUp(shardId);
  }
  return resume;
}

async function consume(stream, resubscribeAtLatest = false) {
  const checkpoints = new Checkpoints(process.env.SHARDSIM_STATE_DIR);
  const saved = Object.entries(checkpoints.byShard);
  const finished = new Set(saved.filter(([, seq]) => seq === null).map(([id]) => id));
  const positions = new Map(saved.filter(([, seq]) => seq !== null)
    .map(([id, seq]) => [id, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq }]));
  const consumerArn = await activeConsumer(stream);
  for (;;) {
    const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const known = new Set(Shards.map((s) => s.ShardId));
    for (const shard of Shards) {
      const id = shard.ShardId;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(Boolean);
      if (finished.has(id) || parents.some((p) => known.has(p) && !finished.has(p))) continue;
      const position = positions.get(id) || { Type: 'TRIM_HORIZON' };
      let resume;
      try {
        resume = await readSubscription(consumerArn, id, position, checkpoints);
      } catch (e) {
        if (e.name === 'ResourceInUseException') continue;  // resubscribed within 5 s: later
        if (e.name === 'InvalidArgumentException' && positions.has(id)) {
          positions.set(id, { Type: 'TRIM_HORIZON' });  // below the trim horizon
          continue;
        }
        throw e;
      }
      if (resume === null) {
        finished.add(id);
        positions.delete(id);
      } else if (resubscribeAtLatest) {
        positions.set(id, { Type: 'LATEST' });  // the bug: skips what was not sent
      } else {
        positions.set(id, resume);
      }
    }
    await events.flush();
    if (POLL_SLEEP_S > 0) await new Promise((resolve) => setTimeout(resolve, POLL_SLEEP_S * 1000));
  }
}

consume(process.env.SHARDSIM_STREAM || 'stream', process.argv.includes('--resubscribe-at-latest'))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
