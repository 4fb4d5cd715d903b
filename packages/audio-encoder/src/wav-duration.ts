/** Bytes of a WAV file read to find its `fmt ` and `data` chunk headers before the rest. */
export const wavHeadBytes = 64 * 1024;

/**
 * The duration in seconds that a WAV file of `fileSize` bytes holds, from its head alone (its first
 * {@link wavHeadBytes}): the data chunk's declared size (or what the file leaves for it, when the size is
 * unknown or larger) over the `fmt ` chunk's byte rate. Undefined when the head does not show both chunks;
 * the full parse then decides. Lets a reader refuse a long file before reading it.
 */
export function wavDurationSeconds(head: Uint8Array, fileSize: number): number | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let byteRate: number | undefined;
  for (let offset = 12; offset + 8 <= head.length; ) {
    const id = String.fromCharCode(...head.subarray(offset, offset + 4));
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && declared >= 16 && body + 16 <= head.length) byteRate = bytesPerSecond(view, body);
    if (id === 'data') {
      if (!byteRate) return undefined;
      return Math.min(declared, fileSize - body) / byteRate;
    }
    offset = body + declared + (declared & 1);
  }
  return undefined;
}

/**
 * PCM and float samples take block size × rate bytes a second, as the decoder counts them; other codecs
 * state their average rate (the decoder that reads them checks the decoded length again).
 */
function bytesPerSecond(view: DataView, fmt: number): number {
  const tag = view.getUint16(fmt, true);
  const sampleRate = view.getUint32(fmt + 4, true);
  const blockAlign = view.getUint16(fmt + 12, true);
  return tag === 1 || tag === 3 || tag === 0xfffe ? blockAlign * sampleRate : view.getUint32(fmt + 8, true);
}
