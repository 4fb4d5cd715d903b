import { describe, expect, it } from 'vitest';
import { createIvfFrameReader } from './ivf-reader.js';
import { createOggOpusWriter, createOggPacketReader } from './ogg-opus.js';
import { startRealtimeAudio } from './realtime-audio.js';
import { maxRtpPayloadBytes, vp8Payloads } from './vp8-payloads.js';

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe('the live tracks framing', () => {
  it('reads Ogg packets back as they were written, across pages and in any pieces', () => {
    const writer = createOggOpusWriter(2);
    const packets = [bytes(10, 1), bytes(255, 2), bytes(700, 3), bytes(0, 4)];
    const stream = Buffer.concat([writer.header, ...packets.map((p, i) => writer.page(p, 1000 + 960 * i))]);
    const read: Uint8Array[] = [];
    const feed = createOggPacketReader((packet) => read.push(packet));
    for (let at = 0; at < stream.length; at += 37) feed(stream.subarray(at, at + 37));
    expect(new TextDecoder().decode(read[0]!.subarray(0, 8))).toBe('OpusHead');
    expect(new TextDecoder().decode(read[1]!.subarray(0, 8))).toBe('OpusTags');
    expect(read.slice(2).map((p) => [...p])).toEqual(packets.map((p) => [...p]));
  });

  it('splits an IVF stream into its frames', () => {
    const frames = [bytes(5, 1), bytes(3000, 2)];
    const header = new Uint8Array(32);
    const parts = frames.flatMap((frame, i) => {
      const frameHeader = new Uint8Array(12);
      new DataView(frameHeader.buffer).setUint32(0, frame.length, true);
      frameHeader[4] = i;
      return [frameHeader, frame];
    });
    const stream = Buffer.concat([header, ...parts]);
    const read: Uint8Array[] = [];
    const feed = createIvfFrameReader((frame) => read.push(frame));
    for (let at = 0; at < stream.length; at += 100) feed(stream.subarray(at, at + 100));
    expect(read.map((f) => [...f])).toEqual(frames.map((f) => [...f]));
  });

  it('cuts a VP8 frame into RTP payloads with the start bit on the first only', () => {
    const frame = bytes(2500, 7);
    const payloads = vp8Payloads(frame);
    expect(payloads.map((p) => p[0])).toEqual([0x10, 0x00, 0x00]);
    for (const payload of payloads) expect(payload.length).toBeLessThanOrEqual(maxRtpPayloadBytes);
    expect([...Buffer.concat(payloads.map((p) => p.subarray(1)))]).toEqual([...frame]);
  });
});

describe('the real-time audio of a live session', () => {
  it('passes on what was pushed at the clock, and silence when nothing waits', async () => {
    let clock = 0;
    const audio = startRealtimeAudio(() => clock);
    const outputs: [number, number][] = [];
    audio.onOutput = (start, pcm) => outputs.push([start, pcm.length]);
    audio.push(Float32Array.from({ length: 480 }, () => 0.5));
    clock = 20;
    await new Promise((resolve) => setTimeout(resolve, 60));
    clock = 60;
    await new Promise((resolve) => setTimeout(resolve, 60));
    audio.close();
    expect(outputs).toEqual([
      [0, 320],
      [320, 640],
    ]);
    const read = audio.read(0, 960);
    expect(read.length).toBe(960);
    const chunks: Float32Array[] = [];
    for await (const chunk of audio.chunks) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([320, 640]);
    expect([...chunks[1]!.subarray(150, 170)]).toEqual([
      ...new Array(10).fill(0.5),
      ...new Array(10).fill(0),
    ]);
  });

  it('refuses samples that are not finite', () => {
    const audio = startRealtimeAudio();
    expect(() => audio.push(Float32Array.of(0, Number.NaN))).toThrow(/finite/);
    audio.close();
  });
});
