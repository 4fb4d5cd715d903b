/**
 * A 1-element Identity model (float32 `x` → `y`, opset 13), used to find out whether a device can host a
 * session at all. Its bytes are written out so this package needs no model builder; a test checks them
 * against the builder's output.
 */
export const probeModelBase64 =
  'CAkSFkBqb3l2YXNhL21vZGVsLWJ1aWxkZXIaADpuCiUKAXgSCklkZW50aXR5XzAaCklkZW50aXR5XzAiCElkZW50aXR5ChwKCklkZW50aXR5XzASAXkaAXkiCElkZW50aXR5EgVwcm9iZVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

/** The probe model's bytes. */
export function probeModel(): Uint8Array {
  const binary = atob(probeModelBase64);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
