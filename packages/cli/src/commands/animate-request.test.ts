import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { animateOptions } from './animate-command.js';
import { parseAnimateRequest } from './animate-request.js';

function parse(args: string[]) {
  const { values, positionals } = parseArgs({
    args: ['--image', 'a.png', '--audio', 'b.wav', '--out', 'c.mp4', ...args],
    options: animateOptions,
    allowPositionals: true,
  });
  return parseAnimateRequest(values, positionals);
}

describe('parseAnimateRequest', () => {
  it('turns the crop, detector, size-limit and driving flags into animate options', () => {
    const request = parse([
      '--driving',
      'pose-friendly',
      '--multiplier',
      '1.1',
      '--crop-scale',
      '3',
      '--crop-vy=-0.1',
      '--no-crop-rotation',
      '--det-thresh',
      '0.3',
      '--max-dim',
      '960',
      '--division',
      '4',
    ]);
    expect(typeof request === 'string' ? request : request.options).toEqual({
      drivingOption: 'pose-friendly',
      drivingMultiplier: 1.1,
      cropScale: 3,
      cropOffsetY: -0.1,
      cropRotation: false,
      detectionThreshold: 0.3,
      sourceMaxDim: 960,
      sourceDivision: 4,
    });
  });

  it('leaves absent flags to the pipeline defaults', () => {
    const request = parse([]);
    expect(typeof request === 'string' ? request : request.options).toEqual({});
  });

  it.each([
    [['--driving', 'wild'], /--driving is expression-friendly or pose-friendly, not 'wild'/],
    [['--det-thresh', '2'], /--det-thresh: must be a number from 0 to 1, got 2/],
    [['--crop-scale', 'big'], /--crop-scale must be a number, not 'big'/],
    [['--max-dim', '12.5'], /--max-dim must be a whole number of pixels/],
    [['--division', '0'], /--division: must be a whole number from 1 to 64, got 0/],
  ])('rejects %j naming the flag', (args, message) => {
    expect(parse(args)).toMatch(message);
  });
});
