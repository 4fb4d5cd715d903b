import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createFrameSink } from './create-frame-sink.js';
import type { FrameSinkV1 } from './frame-sink.js';
import { createTeeSink } from './tee-sink.js';

const frame: RgbImage = { width: 2, height: 2, channels: 3, data: new Uint8Array(12) };

/** A sink that logs its calls under `name`, and throws at `failAt` when given. */
function loggingSink(name: string, log: string[], failAt?: 'start' | 'write'): FrameSinkV1 {
  return createFrameSink({
    start() {
      if (failAt === 'start') throw new Error(`${name} cannot start`);
      log.push(`${name} start`);
    },
    write(_frame, index) {
      if (failAt === 'write') throw new Error(`${name} cannot write`);
      log.push(`${name} write ${index}`);
    },
    files: () => [`${name}.out`],
    abort() {
      log.push(`${name} abort`);
    },
  });
}

describe('createTeeSink', () => {
  it('feeds every sink in turn and returns the first one’s result', async () => {
    const log: string[] = [];
    const tee = createTeeSink(loggingSink('video', log), loggingSink('preview', log));
    await tee.start({ width: 2, height: 2, fps: 25 });
    await tee.write(frame, 0);
    await tee.write(frame, 1);
    const result = await tee.finish();
    expect(result).toEqual({ frameCount: 2, durationSeconds: 0.08, files: ['video.out'] });
    expect(log).toEqual([
      'video start',
      'preview start',
      'video write 0',
      'preview write 0',
      'video write 1',
      'preview write 1',
    ]);
  });

  it('aborts every sink and rethrows when one fails', async () => {
    const log: string[] = [];
    const tee = createTeeSink(loggingSink('video', log), loggingSink('preview', log, 'write'));
    await tee.start({ width: 2, height: 2, fps: 25 });
    await expect(tee.write(frame, 0)).rejects.toThrow('preview cannot write');
    expect(log).toEqual(['video start', 'preview start', 'video write 0', 'video abort', 'preview abort']);
    await tee.abort();
    expect(log.filter((line) => line.endsWith('abort'))).toHaveLength(2);
  });
});
