import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createMediaPipeFaceLocator } from '@joyvasa/liveportrait';
import { locateFaceOrThrow, resizeToLimit } from '@joyvasa/liveportrait/internal';
import { readImage } from '@joyvasa/liveportrait/node';
import { convertLocatorModels } from '@joyvasa/model-builder/tfjs/node';
import { probeMedia } from '@joyvasa/pipeline/node';
import { requireSharedData, sharedDirectory } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../cli-output.js';
import { demoCommand } from './demo-command.js';

// Locally the shared data may be absent (skip); on CI its absence fails the run.
const available = requireSharedData('data/images/human_01.jpg', 'data/audio/en_speech_01.wav');

/** The demo's crop square (printed with the source line) covers FaceMesh's own face box of the portrait. */
async function expectCropOnTheFace(text: string): Promise<void> {
  const line =
    /^source {2}1280x1280, crop: detected-face \(1 found\) by mediapipe, square (\d+) px at \((\d+), (\d+)\)$/m.exec(
      text,
    );
  expect(line, text).not.toBeNull();
  const [size, cx, cy] = line!.slice(1).map(Number) as [number, number, number];
  const image = resizeToLimit(await readImage(join(sharedDirectory(), 'data/images/human_01.jpg')));
  const models = await convertLocatorModels();
  const backend = createOnnxNodeBackend();
  const open = (name: string) => backend.createSession(models.components[name]!.bytes, { device: 'cpu' });
  const locator = createMediaPipeFaceLocator({
    detector: await open('mediapipe_face_detector'),
    mesh: await open('mediapipe_face_mesh'),
  });
  const [x1, y1, x2, y2] = (await locateFaceOrThrow(locator, image)).face.box;
  await locator.dispose?.();
  const overlapX = Math.max(0, Math.min(x2, cx + size / 2) - Math.max(x1, cx - size / 2));
  const overlapY = Math.max(0, Math.min(y2, cy + size / 2) - Math.max(y1, cy - size / 2));
  // The whole face box lies inside the (upright here) crop square, which is about twice its side.
  expect((overlapX * overlapY) / ((x2 - x1) * (y2 - y1))).toBeGreaterThan(0.98);
  expect(size / Math.max(x2 - x1, y2 - y1)).toBeGreaterThan(1.6);
}

describe.skipIf(!available)('joyvasa demo on the shared portrait and speech', () => {
  let root: string;
  const savedCache = process.env.XDG_CACHE_HOME;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'joyvasa-cli-demo-media-'));
    // An empty cache: no converted bundle, so the demo must fall back to the fixture bundle.
    process.env.XDG_CACHE_HOME = join(root, 'cache');
  });
  afterAll(async () => {
    if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = savedCache;
    await rm(root, { recursive: true, force: true });
  });

  it('falls back to the fixture bundle loudly, writes the mp4 and prints what ffprobe reads', async () => {
    const out = join(root, 'out', 'demo.mp4');
    const output = captureOutput();
    const code = await demoCommand(['--seconds', '0.4', '--device', 'cpu', '--out', out], { output });
    const text = output.text();
    expect(code, text).toBe(0);
    expect(text).toMatch(/^No converted bundle at .*: using the FIXTURE bundle\.$/m);
    expect(text).toMatch(/the video will NOT show a talking face/);
    expect(text).toMatch(/^Animating .*human_01\.jpg with the first 0\.4 s of .*en_speech_01\.wav$/m);
    expect(text).toMatch(
      /^note: the bundle has no InsightFace files: faces are found by the licence-clean MediaPipe locator/m,
    );
    expect(text).toContain(`Wrote ${out}`);
    expect(text).toContain(`ffprobe ${out}:`);
    expect(text).toMatch(/^ {2}video {2}h264 1280x1280 at 25 fps, 10 frames, 0\.40 s$/m);
    expect(text).toMatch(/^ {2}audio {2}aac 16000 Hz, 1 channel\(s\), 0\.\d\d s$/m);
    expect((await probeMedia(out, { countFrames: true })).video?.frameCount).toBe(10);
    // Only the video is left: the cut speech lived in a temporary folder.
    expect(await readdir(join(root, 'out'))).toEqual(['demo.mp4']);
    await expectCropOnTheFace(text);
  });
});
