// Application events for shardsim (POST /_shardsim/events): tell the judge what the consumer
// processed, checkpointed and believes, so that the full property set applies to a real client.
//
//   const { ShardsimEvents } = require('./shardsim_events');
//   const events = new ShardsimEvents();        // endpoint from SHARDSIM_ENDPOINT; off without it
//   events.processed(shardId, record.SequenceNumber);
//   await events.checkpoint(shardId, sequenceNumber);   // or events.checkpoint(shardId, null, true)
//   await events.caughtUp(shardId);              // "nothing more to read on this shard right now"
//   await events.shardEnd(shardId);              // "this closed shard is read to its end"
//   await events.flush();                        // sends what is buffered
//
// Events are buffered and sent in one request per flush; a belief or a checkpoint flushes at
// once. Node 18+ (global fetch); the client's name is its AWS_ACCESS_KEY_ID.
'use strict';

class ShardsimEvents {
  constructor(endpoint = process.env.SHARDSIM_ENDPOINT, client = process.env.AWS_ACCESS_KEY_ID) {
    this.endpoint = endpoint;
    this.client = client || 'anonymous';
    this.pending = [];
  }

  processed(shardId, sequenceNumber) {
    this.pending.push({ type: 'processed', shard_id: shardId, sequence_number: sequenceNumber });
  }

  checkpoint(shardId, sequenceNumber, shardEnd = false) {
    this.pending.push(shardEnd ? { type: 'checkpoint', shard_id: shardId, shard_end: true }
                               : { type: 'checkpoint', shard_id: shardId, sequence_number: sequenceNumber });
    return this.flush();
  }

  caughtUp(shardId) {
    this.pending.push({ type: 'caught_up', shard_id: shardId });
    return this.flush();
  }

  shardEnd(shardId) {
    this.pending.push({ type: 'shard_end', shard_id: shardId });
    return this.flush();
  }

  async flush() {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0 || !this.endpoint) return;
    const response = await fetch(`${this.endpoint.replace(/\/$/, '')}/_shardsim/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client: this.client, events }),
    });
    if (!response.ok) throw new Error(`shardsim events: HTTP ${response.status}: ${await response.text()}`);
  }
}

module.exports = { ShardsimEvents };
