/**
 * The whole Node pipeline on real pictures and speech from ../shared/data, with the fixture bundle: mp4
 * structure (codecs, rate, size, frame count, audio and video durations), paste-back leaving the picture
 * outside the face alone, and determinism. The fixture's frames are not faces; the geometry, timing and
 * files are what is checked.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { decodeAudio } from '@joyvasa/audio-encoder/node';
import type { RgbImage } from '@joyvasa/core';
import { resizeToLimit } from '@joyvasa/liveportrait/internal';
import { readImage } from '@joyvasa/liveportrait/node';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixtureWorkspace,
  type FixtureWorkspace,
  openFixtureHead,
} from '../../test/fixture-talking-head.js';
import type { SourceReadyEvent, TalkingHeadEvent } from '../run/talking-head-events.js';
import { probeMedia } from './ffmpeg/probe-media.js';
import { createPngSequenceSink } from './sinks/png-sequence-sink.js';

const imagesDir = join(sharedDirectory(), 'data/images');
const speechFile = join(sharedDirectory(), 'data/audio/en_speech_01.wav');
// Locally the shared data may be absent (skip); on CI its absence fails the run.
const available = requireSharedData('data/images/MANIFEST.tsv', 'data/audio/en_speech_01.wav');

const seconds = 2;
const fps = 25;

interface Run {
  readonly output: string;
  readonly source: SourceReadyEvent;
  readonly hashes: string[];
}

/** An onEvent that keeps the source-ready event and a hash of every frame. */
function watcher() {
  const hashes: string[] = [];
  let source: SourceReadyEvent | undefined;
  const onEvent = (event: TalkingHeadEvent) => {
    if (event.type === 'source-ready') source = event;
    if (event.type === 'frame')
      hashes.push(createHash('sha256').update(event.image.data).digest('hex').slice(0, 16));
  };
  return { onEvent, result: () => ({ source: source!, hashes }) };
}

/** The official size limit (spec §1.3 step 2), computed independently: long side ≤ 1280, even sides. */
function limitedSize(width: number, height: number): [number, number] {
  const long = Math.max(width, height);
  if (long > 1280) {
    const short = Math.trunc((Math.min(width, height) * 1280) / long);
    [width, height] = width >= height ? [1280, short] : [short, 1280];
  }
  return [width - (width % 2), height - (height % 2)];
}

/** Frame `index` of a video decoded by ffmpeg to rgb24. */
function decodeFrame(path: string, index: number, width: number, height: number): RgbImage {
  const args = ['-v', 'error', '-i', path, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1'];
  const result = spawnSync('ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode frame ${index}: ${result.stderr}`);
  expect(result.stdout.length).toBe(width * height * 3);
  return { width, height, channels: 3, data: new Uint8Array(result.stdout) };
}

/** Mean and largest absolute difference of two images over a square block at (x, y). */
function blockDifference(a: RgbImage, b: RgbImage, x: number, y: number, side: number) {
  let [sum, max] = [0, 0];
  for (let row = y; row < y + side; row++) {
    for (let i = (row * a.width + x) * 3; i < (row * a.width + x + side) * 3; i++) {
      const d = Math.abs(a.data[i]! - b.data[i]!);
      sum += d;
      max = Math.max(max, d);
    }
  }
  return { mean: sum / (side * side * 3), max };
}

/** The four corner blocks of an image: far from the centred face crop of the fixture detector. */
function corners(image: RgbImage, side: number): Array<[number, number]> {
  const [right, bottom] = [image.width - side, image.height - side];
  return [
    [0, 0],
    [right, 0],
    [0, bottom],
    [right, bottom],
  ];
}

/** Pixel format and size of a picture, as ffprobe reads it (`rgba`, `gray`, `yuvj420p`…). */
async function probeImage(path: string): Promise<{ pixelFormat: string; width: number; height: number }> {
  const { video } = await probeMedia(path);
  return {
    pixelFormat: String(video?.pixelFormat),
    width: Number(video?.width),
    height: Number(video?.height),
  };
}

/** The grayscale or alpha picture of the manifest with the fewest pixels, if there is one. */
async function grayOrAlphaImage(): Promise<string | undefined> {
  const rows = (await readFile(join(imagesDir, 'MANIFEST.tsv'), 'utf8')).trim().split('\n').slice(1);
  const files = rows.map((row) => row.split('\t')[0]!);
  const probed = await Promise.all(
    files.map(async (file) => ({ file, ...(await probeImage(join(imagesDir, file))) })),
  );
  const candidates = probed
    .filter(({ pixelFormat }) => /gray|^ya|a$|^pal8/.test(pixelFormat))
    .sort((a, b) => a.width * a.height - b.width * b.height);
  return candidates[0]?.file;
}

describe.skipIf(!available)('the pipeline on shared pictures and speech (fixture bundle)', () => {
  let workspace: FixtureWorkspace;
  let speech: string;
  const runs = new Map<string, Run>();

  beforeAll(async () => {
    workspace = await createFixtureWorkspace();
    // 2 s of speech from 3 s on: exactly 50 frames at 25 fps.
    const decoded = await decodeAudio(speechFile, { sampleRate: 16000 });
    const start = 3 * decoded.sampleRate;
    speech = join(workspace.directory, 'speech-2s.wav');
    const cut = decoded.pcm.slice(start, start + seconds * decoded.sampleRate);
    await writeFile(speech, encodeWav(cut, decoded.sampleRate));
  });
  afterAll(() => workspace?.cleanup());

  const cases: Array<[string, 'human' | 'animal']> = [
    ['human_01.jpg', 'human'],
    ['painting_01.jpg', 'human'],
    ['animal_cat_01.jpg', 'animal'],
  ];

  async function animate(file: string, mode: 'human' | 'animal'): Promise<Run> {
    const head = await openFixtureHead(workspace.bundle, { mode });
    try {
      const output = join(workspace.directory, `${file}.mp4`);
      const watch = watcher();
      const result = await head.generate(
        { image: join(imagesDir, file), audio: speech },
        { output, onEvent: watch.onEvent },
      );
      expect(result.frameCount).toBe(seconds * fps);
      return { output, ...watch.result() };
    } finally {
      await head.dispose();
    }
  }

  async function checkVideo(file: string, mode: 'human' | 'animal'): Promise<void> {
    const run = await animate(file, mode);
    runs.set(file, run);
    const { width, height } = await probeImage(join(imagesDir, file));
    const [expectedWidth, expectedHeight] = limitedSize(width, height);
    expect([run.source.width, run.source.height]).toEqual([expectedWidth, expectedHeight]);
    expect(run.source.cropMethod).toBe('detected-face');
    const { video, audio } = await probeMedia(run.output, { countFrames: true });
    expect([video?.codecName, video?.frameRate, video?.width, video?.height]).toEqual([
      'h264',
      fps,
      expectedWidth,
      expectedHeight,
    ]);
    expect(video?.frameCount).toBe(seconds * fps);
    expect(audio?.codecName).toBe('aac');
    expect(Math.abs(video!.duration! - seconds)).toBeLessThanOrEqual(1 / fps);
    expect(Math.abs(audio!.duration! - video!.duration!)).toBeLessThanOrEqual(1 / fps);
  }

  it.each(cases)('animates %s (%s mode) into an H.264 + AAC mp4 of the source size', async (file, mode) => {
    await checkVideo(file, mode);
  });

  it('animates the smallest grayscale or alpha picture of the manifest (read as RGB)', async () => {
    const file = await grayOrAlphaImage();
    expect(file, 'the shared images have a grayscale or alpha picture').toBeDefined();
    await checkVideo(file!, 'human');
  });

  it('pastes back without touching the picture far from the face, in PNG frames and (nearly) in the mp4', async () => {
    const file = 'human_01.jpg';
    const source = resizeToLimit(await readImage(join(imagesDir, file)));
    const head = await openFixtureHead(workspace.bundle);
    const directory = join(workspace.directory, 'png-frames');
    const watch = watcher();
    try {
      const sink = createPngSequenceSink({ directory, compressionLevel: 1 });
      const result = await head.generate(
        { image: join(imagesDir, file), audio: speech },
        { sink, onEvent: watch.onEvent },
      );
      expect(result.sink?.files).toHaveLength(seconds * fps);
    } finally {
      await head.dispose();
    }
    const frame = await readImage(join(directory, 'frame-00025.png'));
    expect([frame.width, frame.height]).toEqual([source.width, source.height]);
    for (const [x, y] of corners(frame, 120)) {
      expect(blockDifference(frame, source, x, y, 120), `corner at ${x},${y}`).toEqual({ mean: 0, max: 0 });
    }
    const middle = blockDifference(frame, source, source.width / 2 - 60, source.height / 2 - 60, 120);
    expect(middle.mean, 'the face region is animated').toBeGreaterThan(5);
    // Determinism: a second run (this one) made the very same frames as the mp4 run.
    const mp4Run = runs.get(file);
    expect(mp4Run, 'the human_01.jpg mp4 test ran first').toBeDefined();
    expect(watch.result().hashes).toEqual(mp4Run!.hashes);
    // The mp4 holds the same picture up to H.264 and yuv420p loss.
    const decoded = decodeFrame(mp4Run!.output, 25, source.width, source.height);
    for (const [x, y] of corners(decoded, 120)) {
      expect(blockDifference(decoded, source, x, y, 120).mean, `mp4 corner at ${x},${y}`).toBeLessThan(4);
    }
  });
});
