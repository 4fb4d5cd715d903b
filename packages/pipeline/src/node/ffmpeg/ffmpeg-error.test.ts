import { InvalidInputError } from '@joyvasa/core';
import { checkErrorClasses, coreErrorClassCases } from '@joyvasa/core/testing';
import { describe, expect, it } from 'vitest';
import { VideoEncodingError } from '../../browser/sinks/video-encoding-error.js';
import { FfmpegError } from './ffmpeg-error.js';

describe('FfmpegError and VideoEncodingError', () => {
  it('are recognised only as themselves and JoyvasaError, never as each other or a sibling', () => {
    const problems = checkErrorClasses([
      ...coreErrorClassCases(),
      { errorClass: FfmpegError, instance: new FfmpegError('Encoding', 1, 'bad codec') },
      { errorClass: VideoEncodingError, instance: new VideoEncodingError('GPU process lost') },
    ]);
    expect(problems).toEqual([]);
    expect(FfmpegError.isInstance(new VideoEncodingError('x'))).toBe(false);
    expect(VideoEncodingError.isInstance(new FfmpegError('x', 1, ''))).toBe(false);
    expect(VideoEncodingError.isInstance(new InvalidInputError('output', 'bad'))).toBe(false);
  });
});
