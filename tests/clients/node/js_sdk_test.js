// The AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis, pinned in package-lock.json) against
// the server named by SHARDSIM_ENDPOINT (started by tests/clients/harness.py).
//
// The Kinesis client speaks HTTP/2 by default (NodeHttp2Handler, for SubscribeToShard) even on
// http://, with prior knowledge; shardsim serve answers it, so the test uses the client exactly as
// generated, no handler given: CreateStream, the stream-exists waiter, PutRecord, PutRecords,
// GetShardIterator, GetRecords (the bytes and arrival times of what was put), ListShards.
// kinesalite is HTTP/1.1 only (its issue #118): against it (--kinesalite) the test shows the
// default client failing, then gives it `requestHandler: new NodeHttpHandler()`.
// The SDK resets its clock offset from each response's Date header; the server's virtual time
// is 2023 here, so the test checks that Date carries the real time (offset under a minute) and
// that x-shardsim-virtual-time carries the virtual one.
'use strict';

const assert = require('node:assert/strict');

function need(module) {
  try {
    return require(module);
  } catch (e) {
    console.error(`FAIL: npm package ${module} is missing (${e.code}); scripts/setup_clients.sh ` +
                  'installs it (npm ci in tests/clients/node)');
    process.exit(1);
  }
}
const kinesisSdk = need('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = need('@smithy/node-http-handler');  // for kinesalite only
const {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, ListStreamsCommand,
  PutRecordCommand, PutRecordsCommand, GetShardIteratorCommand, GetRecordsCommand,
  ListShardsCommand, waitUntilStreamExists,
} = kinesisSdk;

const endpoint = process.env.SHARDSIM_ENDPOINT;
const isShardsim = process.env.SHARDSIM_TARGET === 'shardsim';
const STREAM = 'js-sdk-v3';
const VIRTUAL_START_MS = Date.parse('2023-04-05T07:06:12Z');  // harness passes --start

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

const credentials = { accessKeyId: 'shardsim-js', secretAccessKey: 'not-checked' };

function client(requestHandler) {
  return new KinesisClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1,
                             requestHandler });
}

// Response headers of every call, seen from inside the SDK's middleware stack.
function recordHeaders(kinesis, sink) {
  kinesis.middlewareStack.add((next) => async (args) => {
    const result = await next(args);
    sink.push(result.response.headers);
    return result;
  }, { step: 'deserialize', name: 'recordResponseHeaders' });
}

async function passTime(seconds) {
  if (!isShardsim) return new Promise((resolve) => setTimeout(resolve, 100));
  const response = await fetch(`${endpoint}/_shardsim/clock`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance: `${seconds}s` }),
  });
  if (!response.ok) fail(`POST /_shardsim/clock: HTTP ${response.status}`);
}

async function defaultClientFailsOnKinesalite() {
  // The default handler, with a short timeout so the failure comes quickly.
  const http2 = client({ requestTimeout: 5000, sessionTimeout: 5000 });
  assert.equal(http2.config.requestHandler.constructor.name, 'NodeHttp2Handler');
  try {
    await http2.send(new ListStreamsCommand({}));
  } catch (e) {
    console.log(`  default client (HTTP/2): ${e.name}: ${e.message}`);
    return;
  } finally {
    http2.destroy();
  }
  fail('the default (HTTP/2) client got an answer from an HTTP/1.1-only server');
}

// The client as generated (NodeHttp2Handler) for shardsim; HTTP/1.1 for kinesalite.
async function kinesisClient() {
  if (!isShardsim) {
    await defaultClientFailsOnKinesalite();
    return client(new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 10_000 }));
  }
  const kinesis = client(undefined);
  assert.equal(kinesis.config.requestHandler.constructor.name, 'NodeHttp2Handler');
  return kinesis;
}

async function main() {
  const watchdog = setTimeout(() => fail('the JS SDK test did not finish within 60 s'), 60_000);
  if (!endpoint) fail('SHARDSIM_ENDPOINT is not set; run this through tests/clients/harness.py');
  const kinesis = await kinesisClient();
  const headers = [];
  recordHeaders(kinesis, headers);

  await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 1 }));
  for (let polls = 0; ; polls++) {
    if (polls === 100) fail(`${STREAM} not ACTIVE after 100 polls`);
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    if (summary.StreamDescriptionSummary.StreamStatus === 'ACTIVE') break;
    await passTime(1);
  }
  const waited = await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 },
                                             { StreamName: STREAM });
  assert.equal(waited.state, 'SUCCESS');

  const payloads = ['a', 'b', '\u00ff\u0000binary'].map((s) => Buffer.from(s, 'latin1'));
  const acked = [];
  for (const [i, data] of payloads.entries()) {
    const put = await kinesis.send(new PutRecordCommand({
      StreamName: STREAM, Data: new Uint8Array(data), PartitionKey: `key-${i}`,
    }));
    assert.match(put.SequenceNumber, /^\d+$/);
    acked.push(put.SequenceNumber);
  }
  const batch = await kinesis.send(new PutRecordsCommand({
    StreamName: STREAM,
    Records: [0, 1].map((i) => ({ Data: Buffer.from(`batch-${i}`), PartitionKey: `batch-${i}` })),
  }));
  assert.equal(batch.FailedRecordCount ?? 0, 0);
  acked.push(...batch.Records.map((r) => r.SequenceNumber));
  payloads.push(Buffer.from('batch-0'), Buffer.from('batch-1'));

  const shards = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
  assert.equal(shards.Shards.length, 1);
  const shardId = shards.Shards[0].ShardId;
  assert.equal(shardId, 'shardId-000000000000');
  assert.ok(shards.Shards[0].SequenceNumberRange.StartingSequenceNumber);

  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({
    StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
  }));
  const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10 }));
  assert.deepEqual(page.Records.map((r) => r.SequenceNumber), acked);
  assert.deepEqual(page.Records.map((r) => Buffer.from(r.Data)), payloads);
  for (const r of page.Records) assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
  assert.equal(page.MillisBehindLatest, 0);
  assert.ok(page.NextShardIterator, 'an open shard always gives a next iterator');
  console.log(`  put ${acked.length} records (PutRecord, PutRecords), read them back from ` +
              `TRIM_HORIZON in one GetRecords; arrival ${page.Records[0].ApproximateArrivalTimestamp.toISOString()}`);

  // The Date header is real time, so the SDK's clock correction stays near zero.
  const offsetMs = kinesis.config.systemClockOffset ?? 0;
  if (Math.abs(offsetMs) > 60_000) fail(`the SDK's clock offset is ${offsetMs} ms: Date is not real time`);
  for (const h of headers) {
    assert.ok(h['x-amzn-requestid'], 'every response has x-amzn-RequestId');
    const dateMs = Date.parse(h.date);
    if (!(Math.abs(dateMs - Date.now()) < 60_000)) fail(`Date header ${h.date} is not the real time`);
  }
  if (isShardsim) {
    const virtual = headers.map((h) => h['x-shardsim-virtual-time']);
    if (virtual.some((v) => !v)) fail('a response has no x-shardsim-virtual-time header');
    const first = Date.parse(virtual[0]);
    if (!(first >= VIRTUAL_START_MS && first < VIRTUAL_START_MS + 3_600_000)) {
      fail(`x-shardsim-virtual-time ${virtual[0]} is not the virtual clock started at 2023-04-05T07:06:12Z`);
    }
    const arrival = page.Records[0].ApproximateArrivalTimestamp.getTime();
    if (!(arrival >= VIRTUAL_START_MS && arrival < VIRTUAL_START_MS + 3_600_000)) {
      fail(`arrival ${page.Records[0].ApproximateArrivalTimestamp.toISOString()} is not virtual time`);
    }
    console.log(`  ${headers.length} responses: real Date, SDK clock offset ${offsetMs} ms, ` +
                `x-shardsim-virtual-time ${virtual[0]} .. ${virtual[virtual.length - 1]}`);
  }
  kinesis.destroy();
  clearTimeout(watchdog);
  console.log(isShardsim ? 'PASS: AWS SDK for JavaScript v3 with its default handler (HTTP/2)'
                         : 'PASS: AWS SDK for JavaScript v3 over HTTP/1.1 (NodeHttpHandler)');
}

main().catch((e) => fail(`${e.name}: ${e.message}\n${e.stack}`));
