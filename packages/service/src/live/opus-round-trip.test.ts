import { describe, expect, it } from 'vitest';
import { startOpusDecoder, startOpusEncoder } from './live-codecs.js';

describe('Opus through ffmpeg', () => {
  it('decodes what the encoder made, packet by packet, to 16 kHz PCM of the same tone', async () => {
    const packets: Uint8Array[] = [];
    const encoder = startOpusEncoder('ffmpeg', (packet) => packets.push(packet));
    const tone = new Int16Array(48000).map((_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)),
    );
    await encoder.write(new Uint8Array(tone.buffer));
    for (let waited = 0; packets.length < 40 && waited < 100; waited++)
      await new Promise((r) => setTimeout(r, 50));
    encoder.kill();
    expect(packets.length).toBeGreaterThanOrEqual(40);
    const decoded: Int16Array[] = [];
    const decoder = startOpusDecoder('ffmpeg', (pcm) => decoded.push(pcm));
    for (const [i, packet] of packets.entries()) decoder.write(packet, 5000 + 960 * i);
    const samples = () => decoded.reduce((sum, pcm) => sum + pcm.length, 0);
    for (let waited = 0; samples() < 8000 && waited < 100; waited++)
      await new Promise((r) => setTimeout(r, 50));
    decoder.kill();
    expect(samples()).toBeGreaterThanOrEqual(8000);
    const all = Int16Array.from(decoded.flatMap((pcm) => [...pcm]));
    const middle = all.subarray(2000, 6000);
    const rms = Math.sqrt(middle.reduce((sum, s) => sum + s * s, 0) / middle.length);
    expect(rms).toBeGreaterThan(4000);
    expect(rms).toBeLessThan(7000);
  });
});
