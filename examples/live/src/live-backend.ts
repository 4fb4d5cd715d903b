import { createOnnxWebBackend } from '@joyvasa/backend-onnx-web';
import type { BackendV1, DeviceRequest } from '@joyvasa/core';

/** The backend a live run renders on, and the device it asks that backend for. */
export interface LiveBackend {
  readonly backend: BackendV1;
  readonly device: DeviceRequest;
}

/** One backend per kind for the page's lifetime: onnxruntime-web fixes its proxy setting once per page. */
const backends = new Map<'proxy' | 'page', BackendV1>();

function backendOf(kind: 'proxy' | 'page'): BackendV1 {
  let backend = backends.get(kind);
  if (!backend) {
    backend = createOnnxWebBackend({ proxy: kind === 'proxy' });
    backends.set(kind, backend);
  }
  return backend;
}

/** Whether the browser offers a WebGPU adapter (what `device: 'auto'` would pick). */
async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  return (await gpu?.requestAdapter().catch(() => null)) != null;
}

/**
 * With `wasmInWorker` (the page's default), WASM renders in onnxruntime-web's proxy worker, so that the
 * page's thread stays free for what must run on time (the 25 fps ticks, drawing, the Stop button) while a
 * frame renders; without it, WASM runs on the page's thread (to compare). WebGPU renders from the page's
 * thread, the GPU doing the work. `auto` picks WebGPU when there is an adapter, else WASM. The proxy is a
 * setting of the whole onnxruntime-web runtime, fixed by the page's first run: switching between the two
 * in one page asks for a reload (the backend says so).
 */
export async function liveBackend(device: DeviceRequest, wasmInWorker: boolean): Promise<LiveBackend> {
  if (!wasmInWorker) return { backend: backendOf('page'), device };
  if (device === 'wasm' || (device === 'auto' && !(await hasWebGpu()))) {
    return { backend: backendOf('proxy'), device: 'wasm' };
  }
  return { backend: backendOf('page'), device };
}
