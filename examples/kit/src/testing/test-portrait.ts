import { encodePng } from '@joyvasa/pipeline/node';

/**
 * The pages' portrait: a 320x320 texture as PNG (decoded exactly by every decoder). The fixture face
 * detector needs variance to report a face.
 */
export function testPortraitPng(): Promise<Uint8Array> {
  const side = 320;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * side + x) * 3 + c] = Math.round(
          127.5 + 127.5 * Math.sin(x * 0.11 * (c + 1) + y * 0.07 + c),
        );
      }
    }
  }
  return encodePng({ width: side, height: side, channels: 3, data });
}
