'use strict';
// A stand-in for one Lambda execution environment of the Node.js runtime: this process loads the
// bundled handler once (the init phase), then runs one invocation at a time, as the parent asks
// over IPC. Module state (configuration, secrets, connections) lives as long as this process, as
// it does between invocations on Lambda. Each invocation gets a context whose
// getRemainingTimeInMillis counts down the function's timeout, as Lambda's does (the parent ends the
// process when the timeout passes, as Lambda ends the environment). Written in plain CommonJS so that
// nothing but Node loads it.
const started = process.hrtime.bigint();
const handlerModule = require(process.argv[2]);
const initMs = Number(process.hrtime.bigint() - started) / 1e6;
process.send({ type: 'ready', initMs });

process.on('message', async ({ id, event, entry, timeoutMs }) => {
  const begun = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  const context = { awsRequestId: `invocation-${id}`, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  try {
    const result = await handlerModule[entry](event, context);
    process.send({ id, result, ms: Number(process.hrtime.bigint() - begun) / 1e6 });
  } catch (e) {
    process.send({ id, error: { name: e && e.name, message: String(e && e.message), stack: e && e.stack }, ms: Number(process.hrtime.bigint() - begun) / 1e6 });
  }
});
process.on('disconnect', () => process.exit(0));
