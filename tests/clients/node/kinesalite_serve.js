// Starts kinesalite 3.3.3 (the emulator shardsim is compared against) on 127.0.0.1 with a port
// the system picks, and prints the same first line as `shardsim serve`:
//   kinesalite: listening on http://127.0.0.1:PORT
// Stream state changes (CREATING -> ACTIVE, UPDATING -> ACTIVE) take --state-change-ms (default
// 100) so waiters still see them. Stops on SIGTERM or SIGINT.
'use strict';
const kinesalite = require('kinesalite');

function flagValue(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`kinesalite_serve: ${name} needs a non-negative integer, got '${process.argv[i + 1]}'`);
    process.exit(2);
  }
  return value;
}

const stateChangeMs = flagValue('--state-change-ms', 100);
const server = kinesalite({
  createStreamMs: stateChangeMs,
  deleteStreamMs: stateChangeMs,
  updateStreamMs: stateChangeMs,
});
server.listen(0, '127.0.0.1', () => {
  console.log(`kinesalite: listening on http://127.0.0.1:${server.address().port}`);
});
// Exit at once: server.close() would wait for keep-alive connections to go idle.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
