/**
 * The live server's figures (issue 23), with a Node WebRTC client (werift) on loopback:
 *   - per window, from its audio being complete in the session to its first frame leaving as RTP (the
 *     client's arrival time of the frame's first packet; loopback, so the send time): p50 / p95;
 *   - per window, where that time goes: to the frame coming out of `stream()` (`windowToFrameMs`), to its
 *     tick handing it to the encoders (`windowToTickMs`: the pacing), to its RTP (`windowToRtpMs`: VP8
 *     encoding and sending);
 *   - for 1, 2, 4… sessions at once, the share of ticks that sent a new frame on time (25 frames/s holds
 *     while it stays at 1; below, the renderer is behind and frames repeat), and how many of the sessions
 *     held 25 frames/s (at least 99 % of their ticks new frames, after the first second);
 *   - each of that under each pacing of `--latencies`: `first-frame` (ticks laid from the session's first
 *     frame, the default), a fixed `latencyMs` (a number: tick k at the session's start + k/25 s + it; a
 *     window's first frame then leaves latencyMs − (lookahead − 0.08 s) after its audio is complete), or
 *     `auto`: the fixed latency a deployment would set from the runs before it, the lookahead − 0.08 s plus
 *     the p95 of their windows' time to the first frame plus `--margin` ms (default 30).
 *
 *   tsx --conditions=@joyvasa/source packages/service/scripts/bench-live-server.ts \
 *     [--bundle fixture|formula|<folder>] [--dtype fp32|fp16] [--device cpu|cuda] [--seconds 120] \
 *     [--sessions 1,2,4] [--lookahead 1] [--render-batch N] [--latencies first-frame,auto] [--margin 30] \
 *     [--thread worker|main] [--out figures.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTalkingHead } from '@joyvasa/pipeline/node';
import Fastify from 'fastify';
import { RTCPeerConnection } from 'werift';
import { ensureBenchBundle } from '../../pipeline/scripts/bench-bundle.js';
import { type LiveConnection, liveRoutesPlugin } from '../src/live/index.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', default: 'fixture' },
    device: { type: 'string', default: 'cpu' },
    seconds: { type: 'string', default: '120' },
    sessions: { type: 'string', default: '1' },
    lookahead: { type: 'string', default: '1' },
    dtype: { type: 'string', default: 'fp32' },
    'render-batch': { type: 'string' },
    latencies: { type: 'string', default: 'first-frame' },
    margin: { type: 'string', default: '30' },
    thread: { type: 'string', default: 'worker' },
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const lookahead = Number(values.lookahead);
const dtype = values.dtype === 'fp16' ? 'fp16' : 'fp32';
const renderBatch = values['render-batch'] === undefined ? undefined : Number(values['render-batch']);
/** A session holds 25 frames/s when at least this share of its ticks (after the first second) are new. */
const holdsShare = 0.99;
const side = 512;
// Raw RGB, not PNG: the GPU machine's bundle carries no image decoder (sharp).
const portrait = {
  width: side,
  height: side,
  channels: 3,
  data: Uint8Array.from({ length: side * side * 3 }, (_, i) =>
    Math.round(127.5 + 127.5 * Math.sin(((i / 3) % side) * 0.05 * ((i % 3) + 1) + (i / 3 / side) * 0.03)),
  ),
} as const;
const head = await createTalkingHead({
  models: await ensureBenchBundle(values.bundle, console.log, dtype),
  device: values.device as 'cpu' | 'cuda',
  // Where the sessions run: worker threads (createTalkingHead's default) or the calling thread.
  backend: createOnnxNodeBackend({ thread: values.thread === 'main' ? 'main' : 'worker' }),
});
const animate = { lookahead, ...(renderBatch === undefined ? {} : { renderBatch }) };
await head.warmUp(portrait, animate);
/** The pacings compared (see the top): `first-frame`, `auto`, or a fixed latency in ms. */
const pacings = values.latencies
  .split(',')
  .map((pacing) => (pacing === 'first-frame' || pacing === 'auto' ? pacing : Number(pacing)));
const margin = Number(values.margin);
const connections = new Map<string, LiveConnection>();

/** A live server on loopback whose sessions run at `latencyMs` (undefined: paced from the first frame). */
async function serve(latencyMs: number | undefined) {
  const app = Fastify();
  await app.register(liveRoutesPlugin, {
    prefix: '/live',
    head,
    portraits: { bench: portrait },
    maxSessions: 64,
    session: { animate, ...(latencyMs === undefined ? {} : { latencyMs }) },
    onSession: (id, connection) => connections.set(id, connection),
    onSessionEnd: (id) => connections.delete(id),
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

/** Speech-like input: 3 s of a warbling tone, then 1 s of silence, pushed as it would be spoken. */
function speech(totalSeconds: number): Float32Array {
  return Float32Array.from({ length: totalSeconds * 16000 }, (_, i) =>
    i % 64000 < 48000 ? 0.3 * Math.sin((2 * Math.PI * (180 + 60 * Math.sin(i / 900)) * i) / 16000) : 0,
  );
}

/** One client: receives both tracks, notes when each video RTP timestamp first arrives. */
async function connectClient(url: string) {
  const peer = new RTCPeerConnection({ iceServers: [] });
  peer.addTransceiver('video', { direction: 'recvonly' });
  peer.addTransceiver('audio', { direction: 'recvonly' });
  const arrivals = new Map<number, number>();
  peer.onTrack.subscribe((track) => {
    if (track.kind !== 'video') return;
    track.onReceiveRtp.subscribe((rtp) => {
      if (!arrivals.has(rtp.header.timestamp)) arrivals.set(rtp.header.timestamp, performance.now());
    });
  });
  await peer.setLocalDescription(await peer.createOffer());
  const response = await fetch(`${url}/live/whep`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: peer.localDescription!.sdp,
  });
  if (response.status !== 201) throw new Error(`the server answered ${response.status}`);
  const id = response.headers.get('location')!.split('/').at(-1)!;
  await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  return { peer, arrivals, id };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/**
 * Runs `count` sessions on the server at `url` for `seconds`; returns the latency figures of all windows
 * and the on-time share.
 */
async function runSessions(count: number, url: string) {
  const clients = await Promise.all(Array.from({ length: count }, () => connectClient(url)));
  for (const client of clients) connections.get(client.id)!.session.pushAudio(speech(seconds));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const toRtp: number[] = [];
  const toFrame: number[] = [];
  const toTick: number[] = [];
  let windows = 0;
  let ticks = 0;
  let onTime = 0;
  let holding = 0;
  let ended = 0;
  for (const client of clients) {
    const connection = connections.get(client.id);
    // A session that ended on its own (its peer lost, a failure) before the figures were taken.
    if (connection === undefined) {
      ended++;
      await client.peer.close();
      continue;
    }
    const { startedAtMs } = connection.session;
    // Window i can be sampled once 64,000·i − 1,280 + lookahead·16,000 samples are in (docs/guide/live.md).
    const complete = (i: number) => startedAtMs + (64000 * i - 1280 + lookahead * 16000) / 16;
    for (let i = 0; complete(i) < performance.now() - 1000; i++) {
      windows++;
      // The tick of the window's first frame, if it sent that frame: a window whose first frame came after
      // its tick (a repeat went out instead, or nothing before the first frame) has no figures.
      const tick = connection.ticks.find((t) => t.tick === 100 * i && t.frameIndex === 100 * i);
      if (tick === undefined) continue;
      const arrived = client.arrivals.get(100 * i * 3600);
      if (arrived !== undefined) toRtp.push(arrived - complete(i));
      if (tick.frameReadyAtMs !== undefined) toFrame.push(tick.frameReadyAtMs - complete(i));
      toTick.push(tick.sentAtMs - complete(i));
    }
    const counted = connection.ticks.slice(25);
    const newFrames = counted.filter((tick) => tick.frameIndex !== undefined).length;
    ticks += counted.length;
    onTime += newFrames;
    if (counted.length > 0 && newFrames >= holdsShare * counted.length) holding++;
    await connection.close();
    await client.peer.close();
  }
  const summary = (values: number[]) => ({
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
  });
  return {
    sessions: count,
    windows,
    /** Windows whose first frame was not sent (late for its tick): they are not in the figures. */
    windowsWithoutFirstFrame: windows - toRtp.length,
    windowToRtpMs: summary(toRtp),
    windowToFrameMs: summary(toFrame),
    windowToTickMs: summary(toTick),
    onTimeShare: onTime / Math.max(1, ticks),
    sessionsHolding25fps: holding,
    sessionsEndedEarly: ended,
    toFrameMs: toFrame,
  };
}

/** `auto`'s latency: the lookahead − 0.08 s, plus the p95 to the first frame of the runs so far, plus the margin. */
function autoLatency(toFrame: readonly number[]): number {
  if (toFrame.length === 0)
    throw new Error('--latencies auto needs a run before it (first-frame or a number)');
  return Math.round(lookahead * 1000 - 80 + percentile([...toFrame], 95)! + margin);
}

const results = [];
const framesSoFar: number[] = [];
for (const pacing of pacings) {
  const latencyMs =
    pacing === 'first-frame' ? undefined : pacing === 'auto' ? autoLatency(framesSoFar) : pacing;
  const server = await serve(latencyMs);
  for (const count of values.sessions.split(',').map(Number)) {
    const { toFrameMs, ...figures } = await runSessions(count, server.url);
    framesSoFar.push(...toFrameMs);
    const result = { pacing, latencyMs: latencyMs ?? 'first-frame', ...figures };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  await server.app.close();
}
if (values.out)
  writeFileSync(
    values.out,
    JSON.stringify(
      {
        bundle: values.bundle,
        dtype,
        device: values.device,
        thread: values.thread,
        seconds,
        lookahead,
        renderBatch,
        results,
      },
      null,
      2,
    ),
  );
await head.dispose();
// werift's closed peers leave timers behind (ICE, RTCP); the figures are written, so end here.
process.exit(0);
