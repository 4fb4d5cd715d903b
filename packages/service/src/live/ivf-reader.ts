/**
 * Splits an IVF byte stream (ffmpeg's `-f ivf`, fed in any pieces) into its frames: a 32-byte file
 * header, then per frame a 12-byte header (size, little-endian, and a 64-bit timestamp) and the frame.
 */
export function createIvfFrameReader(onFrame: (frame: Uint8Array) => void): (bytes: Uint8Array) => void {
  let buffered: Uint8Array = new Uint8Array(0);
  let headerSkipped = false;
  return (bytes) => {
    buffered = buffered.length === 0 ? bytes : Buffer.concat([buffered, bytes]);
    if (!headerSkipped) {
      if (buffered.length < 32) return;
      buffered = buffered.subarray(32);
      headerSkipped = true;
    }
    while (buffered.length >= 12) {
      const size = new DataView(buffered.buffer, buffered.byteOffset, 12).getUint32(0, true);
      if (buffered.length < 12 + size) return;
      onFrame(buffered.slice(12, 12 + size));
      buffered = buffered.subarray(12 + size);
    }
  };
}
