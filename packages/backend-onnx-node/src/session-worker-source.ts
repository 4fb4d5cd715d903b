/**
 * The code of a session's worker thread, as JavaScript text for `new Worker(code, { eval: true })`.
 *
 * Why text and not a module file: the worker must start the same way from this package's `dist`, from its
 * TypeScript source under a test runner (Node 20 cannot load `.ts` in a worker, and a worker does not
 * inherit the test runner's transform), and from an application bundled into one file (bundlers do not
 * follow a worker's file URL). The messages it understands are typed in `worker-protocol.ts`.
 *
 * The worker hosts one onnxruntime-node session. It imports onnxruntime-node from `workerData.ortUrl`,
 * answers each request with `{ seq, ok, value | message }`, and keeps the tensors the main thread sends
 * with a `keep` id (those fed to many runs) until it is told to `drop` them. Output tensors are transferred,
 * not copied, when they own their whole buffer.
 */
export const sessionWorkerSource = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const loading = import(workerData.ortUrl).then((m) => (m.InferenceSession ? m : m.default));
// Marked handled: a failed import is answered to each request instead of ending the worker.
loading.catch(() => undefined);
const kept = new Map();
let session;

function toTensor(ort, feed) {
  if (feed.data === undefined) {
    const tensor = kept.get(feed.keep);
    if (!tensor) throw new Error('a kept tensor was dropped before its run');
    return tensor;
  }
  const tensor = new ort.Tensor(feed.type, feed.data, feed.dims);
  if (feed.keep !== undefined) kept.set(feed.keep, tensor);
  return tensor;
}

function transferable(data) {
  const buffer = data.buffer;
  const whole = data.byteOffset === 0 && data.byteLength === buffer.byteLength;
  return whole && !(typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer);
}

async function handle(ort, request) {
  switch (request.op) {
    case 'create': {
      session = await ort.InferenceSession.create(request.model, request.options);
      const { inputNames, outputNames, inputMetadata, outputMetadata } = session;
      return { value: { inputNames, outputNames, inputMetadata, outputMetadata } };
    }
    case 'run': {
      const feeds = {};
      for (const [name, feed] of Object.entries(request.feeds)) feeds[name] = toTensor(ort, feed);
      const results = await session.run(feeds, request.fetches);
      const outputs = {};
      const transfer = [];
      for (const name of request.fetches) {
        const { type, dims, data } = results[name];
        const own = transferable(data) ? data : data.slice();
        outputs[name] = { type, dims: [...dims], data: own };
        transfer.push(own.buffer);
      }
      return { value: outputs, transfer };
    }
    case 'drop':
      kept.delete(request.keep);
      return { value: undefined };
    case 'release':
      kept.clear();
      await session?.release();
      session = undefined;
      return { value: undefined };
  }
  throw new Error('unknown request ' + request.op);
}

// One request at a time, in order: a release never overlaps a run.
let queue = Promise.resolve();
parentPort.on('message', (request) => {
  queue = queue.then(async () => {
    try {
      const { value, transfer } = await handle(await loading, request);
      parentPort.postMessage({ seq: request.seq, ok: true, value }, transfer ?? []);
    } catch (error) {
      const message = error && error.message ? error.message : String(error);
      parentPort.postMessage({ seq: request.seq, ok: false, message });
    }
  });
});
`;
