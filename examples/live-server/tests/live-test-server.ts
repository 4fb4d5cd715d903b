import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { buildExample } from '@joyvasa/example-kit/testing';
import type { AnimateOptions } from '@joyvasa/pipeline';
import { createTalkingHead, encodePng, type NodeTalkingHead } from '@joyvasa/pipeline/node';
import type { TapReading } from '../../live/tests/timecode.js';
import { writeFixtureModelsOnce } from '../src/server/fixture-inputs.js';
import { type LiveExampleServer, startLiveExampleServer } from '../src/server/live-example-server.js';

const exampleDirectory = fileURLToPath(new URL('..', import.meta.url));

/**
 * The fixture's settings for the tests: the cheapest the pipeline offers (2 DDIM steps, the crop without
 * paste-back or stitching), a 1 s lookahead.
 */
export const testAnimateOptions: AnimateOptions = { lookahead: 1, sampler: { ddim: 2 }, stitching: false };

/**
 * A small portrait (128², textured so that the fixture's detector finds a face): the frames are pasted back
 * into it, so the VP8 encoder and the page handle 128² frames, not the renderer's 512² crop.
 */
function smallPortrait(): Promise<Uint8Array> {
  const side = 128;
  const data = Uint8Array.from({ length: side * side * 3 }, (_, i) => {
    const [x, y, c] = [Math.floor(i / 3) % side, Math.floor(i / 3 / side), i % 3];
    return Math.round(127.5 + 127.5 * Math.sin(x * 0.23 * (c + 1) + y * 0.17 + c));
  });
  return encodePng({ width: side, height: side, channels: 3, data });
}

/**
 * The Node backend (sessions in worker threads) with one intra-op thread per session. The fixture renders
 * slower than real time here, so the renderer never waits: with a thread per core its sessions kept both
 * cores of the test machine busy, and the session's sender (this process's event loop, the two ffmpeg
 * encoders) and the browser waited for a core, in stalls of up to half a second that Chrome answers by
 * delaying the voice (docs/guide/live.md, "Sync, measured"). A server renders on a GPU.
 */
function oneThreadBackend(): ReturnType<typeof createOnnxNodeBackend> {
  const backend = createOnnxNodeBackend({ thread: 'worker' });
  return {
    ...backend,
    createSession: (model, options) => backend.createSession(model, { ...options, threads: 1 }),
  };
}

/** The example server on the fixture bundle, in this process; its sessions' audio recorded. */
export interface LiveTestServer {
  readonly server: LiveExampleServer;
  readonly head: NodeTalkingHead;
  /** Per session id: the audio its clock passed on, as 40 ms readings like the page's tap takes. */
  readonly heardBySession: Map<string, TapReading[]>;
  /** Speech pushed into the next session as it opens (the TTS case), so its first frames speak. */
  speechOnOpen?: Float32Array;
  close(): Promise<void>;
}

/** 40 ms readings (middle in seconds of the session's audio, peak amplitude) of a piece of its audio. */
function readingsOf(
  start: number,
  pcm: Float32Array,
  sampleRate: number,
  into: TapReading[],
  rest: number[],
) {
  const size = Math.round(0.04 * sampleRate);
  const samples = [...rest, ...pcm];
  let at = 0;
  const first = start - rest.length;
  for (; at + size <= samples.length; at += size) {
    let sum = 0;
    for (let i = at; i < at + size; i++) sum += samples[i]! ** 2;
    into.push([(first + at + size / 2) / sampleRate, Math.sqrt((2 * sum) / size)]);
  }
  return samples.slice(at);
}

/** Builds the page, writes the fixture, loads and warms the head, and serves them on 127.0.0.1. */
export async function startLiveTestServer(options: {
  startDelayMs: number;
  peerLostMs: number;
}): Promise<LiveTestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'joyvasa-live-server-'));
  const models = await writeFixtureModelsOnce(join(directory, 'models'));
  const pageDirectory = join(directory, 'dist');
  await mkdir(pageDirectory, { recursive: true });
  await buildExample(exampleDirectory, pageDirectory, { main: 'index.html' });
  const portrait = await smallPortrait();
  const head = await createTalkingHead({ models, backend: oneThreadBackend() });
  await head.warmUp(portrait, testAnimateOptions);
  const heardBySession = new Map<string, TapReading[]>();
  let testServer: LiveTestServer | undefined;
  const server = await startLiveExampleServer({
    head,
    portraits: { texture: portrait },
    pageDirectory,
    port: 0,
    maxSessions: 1,
    retryAfterSeconds: 7,
    peerLostMs: options.peerLostMs,
    session: { animate: testAnimateOptions, startDelayMs: options.startDelayMs, maxVideoSide: 128 },
    onSession: (id, connection) => {
      const readings: TapReading[] = [];
      let rest: number[] = [];
      heardBySession.set(id, readings);
      connection.session.audio.onOutput = (start, pcm) => {
        rest = readingsOf(start, pcm, 16000, readings, rest);
      };
      if (testServer?.speechOnOpen) connection.session.pushAudio(testServer.speechOnOpen);
      testServer!.speechOnOpen = undefined;
    },
  });
  testServer = {
    server,
    head,
    heardBySession,
    async close() {
      await server.close();
      await head.dispose();
      await rm(directory, { recursive: true, force: true });
    },
  };
  return testServer;
}
