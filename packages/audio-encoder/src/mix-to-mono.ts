import { InvalidInputError } from '@joyvasa/core';

/**
 * Averages planar channels into one, as `librosa.to_mono` does (an equal-weight mean, no
 * surround downmix matrix). One channel is returned as is, not copied.
 *
 * @param channels one Float32Array per channel, all the same length.
 */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) throw new InvalidInputError('audio', 'has no channels');
  if (channels.length === 1) return first;
  for (let c = 1; c < channels.length; c++) {
    if (channels[c]!.length !== first.length) {
      throw new InvalidInputError(
        'audio',
        `channel ${c} has ${channels[c]!.length} samples but channel 0 has ${first.length}; ` +
          'pass channels of equal length',
      );
    }
  }
  const mono = new Float32Array(first.length);
  const scale = 1 / channels.length;
  // Sum in double precision and round once, so the mean does not depend on channel order.
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i]!;
    mono[i] = sum * scale;
  }
  return mono;
}
