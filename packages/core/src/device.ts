/** A concrete place to run models. */
export type Device = 'cpu' | 'cuda' | 'webgpu' | 'wasm';

/** A device, or `'auto'` to let the backend pick the best available one (and report any fallback). */
export type DeviceRequest = Device | 'auto';

/** All concrete devices, in no particular order. */
export const devices: readonly Device[] = ['cpu', 'cuda', 'webgpu', 'wasm'];

/** True for a known device name or `'auto'`. */
export function isDeviceRequest(value: unknown): value is DeviceRequest {
  return value === 'auto' || devices.includes(value as Device);
}
