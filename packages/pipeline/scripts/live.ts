/**
 * Live talking head from Node: 16-bit mono PCM on stdin (or a TCP socket) → frames at 25 fps → a live
 * fragmented MP4 (or anything ffmpeg streams to), with the audio muxed in step.
 *
 *   ffmpeg -i speech.wav -f s16le -ac 1 -ar 16000 - | \
 *     pnpm tsx --conditions=@joyvasa/source packages/pipeline/scripts/live.ts \
 *       --image portrait.jpg --models fixture --output out/live.mp4 [--realtime] [--lookahead 1]
 *
 *   --listen 7000   read PCM from the first TCP connection on port 7000 instead of stdin
 *   --rate 16000    the PCM's sample rate
 *   --realtime      play at 25 fps of wall clock (repeats and drops are reported), else as fast as made
 *
 * `--models fixture` uses the tiny synthetic bundle (the face is synthetic texture).
 */
import { createServer, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import { createLiveFfmpegSink, createTalkingHead, type PacedEvent, paceFrames } from '@joyvasa/pipeline';

const { values } = parseArgs({
  options: {
    image: { type: 'string' },
    models: { type: 'string', default: 'fixture' },
    output: { type: 'string', default: 'out/live.mp4' },
    rate: { type: 'string', default: '16000' },
    listen: { type: 'string' },
    lookahead: { type: 'string' },
    realtime: { type: 'boolean', default: false },
  },
});
if (!values.image) throw new Error('--image is required');
const rate = Number(values.rate);

/** 16-bit little-endian samples from a byte stream, an odd byte carried to the next chunk. */
async function* int16Chunks(bytes: AsyncIterable<Buffer>): AsyncGenerator<Int16Array> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of bytes) {
    const all = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const even = all.length - (all.length % 2);
    carry = all.subarray(even);
    yield new Int16Array(Uint8Array.prototype.slice.call(all, 0, even).buffer);
  }
}

async function pcmSource(): Promise<AsyncIterable<Buffer>> {
  if (!values.listen) return process.stdin;
  return new Promise((resolve) => {
    const server = createServer((socket: Socket) => {
      server.close();
      resolve(socket);
    });
    server.listen(Number(values.listen), () => console.error(`waiting for PCM on port ${values.listen}`));
  });
}

/** The source audio as floats, kept until the sink has written it beside its frames. */
const heard: Float32Array[] = [];
async function* tapped(chunks: AsyncIterable<Int16Array>) {
  for await (const chunk of chunks) {
    heard.push(Float32Array.from(chunk, (v) => v / 32768));
    yield chunk;
  }
}
function takeAudio(samples: number): Float32Array {
  const out = new Float32Array(samples);
  let filled = 0;
  while (filled < samples && heard.length > 0) {
    const head = heard[0]!;
    const take = Math.min(head.length, samples - filled);
    out.set(head.subarray(0, take), filled);
    filled += take;
    heard[0] = head.subarray(take);
    if (heard[0].length === 0) heard.shift();
  }
  return out;
}

const models =
  values.models === 'fixture' ? (await ensureSyntheticBundle('fixture')).directory : values.models;
const head = await createTalkingHead({ models, device: 'auto' });
const started = performance.now();
const events = head.stream(
  { image: values.image, audio: { stream: tapped(int16Chunks(await pcmSource())), sampleRate: rate } },
  values.lookahead ? { lookahead: Number(values.lookahead) } : {},
);
const paced: AsyncIterable<PacedEvent> = values.realtime
  ? paceFrames(events)
  : (async function* () {
      for await (const event of events) {
        yield event.type === 'frame'
          ? { type: 'paced-frame', tick: event.index, frame: event, repeated: false, lateMs: 0 }
          : event;
      }
    })();
const sink = createLiveFfmpegSink({ output: values.output });
// The video's frame rate is the motion model's, which every motion-chunk carries (the first comes before any frame).
let fps = 0;
for await (const event of paced) {
  if (event.type === 'motion-chunk') fps = event.fps;
  if (event.type === 'paced-frame') {
    const { image } = event.frame;
    if (event.tick === 0) {
      await sink.start({
        width: image.width,
        height: image.height,
        fps,
        audio: { live: true, sampleRate: rate },
      });
      console.error(`first frame after ${((performance.now() - started) / 1000).toFixed(2)} s`);
    }
    // Each tick's 1/fps s of audio goes in before its frame, so the two tracks stay in step.
    await sink.writeAudio(
      takeAudio(Math.round(((event.tick + 1) * rate) / fps) - Math.round((event.tick * rate) / fps)),
    );
    await sink.write(image, event.tick);
  } else if (event.type === 'frame-dropped')
    console.error(`dropped frame ${event.index} at tick ${event.tick}`);
  else if (event.type === 'pacing-end')
    console.error(`ticks ${event.ticks}, repeated ${event.repeated}, dropped ${event.dropped}`);
}
console.error(`wrote ${JSON.stringify(await sink.finish())} to ${values.output}`);
await head.dispose();
