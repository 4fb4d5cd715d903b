import { type BackendV1, MissingDependencyError } from '@joyvasa/core';
import { isModuleNotFound } from '@joyvasa/core/node';

/** What is used of the package; written out so that these declarations do not need it installed. */
interface NodeBackendModule {
  createOnnxNodeBackend(options: { readonly thread: 'worker' }): BackendV1;
}

/**
 * The Node default backend, onnxruntime-node with every session in a worker thread, so that an app's event
 * loop stays free while a head renders and the motion and render stages run at the same time (pass
 * `backend: createOnnxNodeBackend()` to run them on the calling thread instead). `@joyvasa/backend-onnx-node` is an optional peer dependency
 * (onnxruntime-node is a few hundred MB that a browser app never loads), so it is imported on first use.
 *
 * @throws MissingDependencyError naming the package to install when it is not installed.
 */
export async function loadDefaultNodeBackend(
  load: () => Promise<NodeBackendModule> = () => import('@joyvasa/backend-onnx-node'),
): Promise<BackendV1> {
  let module: NodeBackendModule;
  try {
    module = await load();
  } catch (cause) {
    if (!isModuleNotFound(cause)) throw cause;
    throw new MissingDependencyError(
      '@joyvasa/backend-onnx-node',
      'createTalkingHead runs the models with onnxruntime-node in Node: install it with ' +
        '`npm install @joyvasa/backend-onnx-node sharp`, or pass your own `backend`',
      { cause },
    );
  }
  return module.createOnnxNodeBackend({ thread: 'worker' });
}
