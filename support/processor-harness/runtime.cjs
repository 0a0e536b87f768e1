'use strict';
// A stand-in for one Lambda execution environment of the Node.js runtime: this process loads the
// bundled handler once (the init phase), then runs one invocation at a time, as the parent asks
// over IPC. Module state (configuration, secrets, connections) lives as long as this process, as
// it does between invocations on Lambda. Written in plain CommonJS so that nothing but Node loads it.
// Arguments: the bundle, the exported handler's name, the function's timeout in ms (what the
// context's getRemainingTimeInMillis counts down from, as Lambda's does).
const started = process.hrtime.bigint();
const handlerModule = require(process.argv[2]);
const handlerName = process.argv[3] || 'handler';
const timeoutMs = Number(process.argv[4] || 60000);
const initMs = Number(process.hrtime.bigint() - started) / 1e6;
process.send({ type: 'ready', initMs });

process.on('message', async ({ id, event }) => {
  const begun = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  try {
    const result = await handlerModule[handlerName](event, { awsRequestId: `invocation-${id}`, getRemainingTimeInMillis: () => deadline - Date.now() });
    process.send({ id, result, ms: Number(process.hrtime.bigint() - begun) / 1e6 });
  } catch (e) {
    process.send({ id, error: { name: e && e.name, message: String(e && e.message), stack: e && e.stack }, ms: Number(process.hrtime.bigint() - begun) / 1e6 });
  }
});
process.on('disconnect', () => process.exit(0));
