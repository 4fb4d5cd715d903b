import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '@joyvasa/audio-encoder';
import { describe, expect, it } from 'vitest';
import { useFixtureHead } from '../../test/fixture-talking-head.js';
import { recordingSink } from '../../test/recording-sink.js';
import { texturedImage } from '../../test/synthetic-media.js';

const tone = (n: number, f: number) => Float32Array.from({ length: n }, (_, i) => 0.25 * Math.sin(i * f));

const fixture = useFixtureHead();

describe("NodeTalkingHead generate(): the sink's track, read once", () => {
  it('gives the sink the channels and rate of WAV bytes, their duration and the model’s frame rate', async () => {
    const left = tone(4410, 0.05);
    const right = tone(4410, 0.09);
    const sink = recordingSink();
    const audio = encodeWav([left, right], 44100, { format: 'float32' });
    const result = await fixture.head.generate({ image: texturedImage(64, 48), audio }, { sink });
    expect(sink.info).toMatchObject({ width: 64, height: 48, fps: 25, frameCount: 3 });
    expect(sink.info?.audio).toEqual({ pcm: [left, right], sampleRate: 44100, durationSeconds: 0.1 });
    expect([result.frameCount, sink.written]).toEqual([3, 3]);
  });

  it('hands PCM on at its own rate, and a file path as it is, each with its duration', async () => {
    const pcm = tone(2400, 0.02);
    const fromPcm = recordingSink();
    await fixture.head.generate(
      { image: texturedImage(64, 48), audio: { pcm, sampleRate: 24000 } },
      { sink: fromPcm },
    );
    expect(fromPcm.info?.audio).toEqual({ pcm: [pcm], sampleRate: 24000, durationSeconds: 0.1 });
    const path = join(fixture.workspace.directory, 'track.wav');
    await writeFile(path, encodeWav(pcm, 24000, { format: 'float32' }));
    const fromFile = recordingSink();
    await fixture.head.generate({ image: texturedImage(64, 48), audio: path }, { sink: fromFile });
    expect(fromFile.info?.audio).toEqual({ path, durationSeconds: 0.1 });
  });
});
