import { isAbortError } from '@joyvasa/core';
import { captureAudio, createCanvasSink, createTalkingHead, paceFrames } from '@joyvasa/pipeline/browser';
import { element } from './element.js';

const imageInput = element<HTMLInputElement>('image');
const modelsInput = element<HTMLInputElement>('models');
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');
const status = element<HTMLOutputElement>('status');
const canvas = element<HTMLCanvasElement>('video');

/** What the page did, per shown frame, for the end-to-end test: seconds since the capture started. */
interface LiveLog {
  latency?: number;
  frames: { tick: number; index: number; time: number; repeated: boolean; shownAt: number; lateMs: number }[];
  dropped: number;
}
const log: LiveLog = { frames: [], dropped: 0 };
(window as unknown as { liveLog: LiveLog }).liveLog = log;

let stop: AbortController | undefined;

async function run(): Promise<void> {
  const image = imageInput.files?.[0];
  if (!image) throw new Error('pick a portrait first');
  stop = new AbortController();
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  const context = new AudioContext();
  // A context made outside a user gesture (or before the page was allowed to play) starts suspended.
  await context.resume();
  const source = context.createMediaStreamSource(microphone);
  // The voice is heard through this delay, set to the measured latency once the first frame is out.
  const delay = new DelayNode(context, { maxDelayTime: 20 });
  source.connect(delay).connect(context.destination);
  const audio = await captureAudio(context, source, { signal: stop.signal });
  const startedAt = context.currentTime;
  const head = await createTalkingHead({ models: modelsInput.value, device: 'wasm' });
  const sink = createCanvasSink(canvas);
  try {
    // Stop ends the audio stream: its last, partial window is still animated, then the run ends.
    const events = head.stream({ image, audio }, { sampler: { ddim: 2 } });
    for await (const event of paceFrames(events)) {
      if (event.type === 'frame-dropped') log.dropped++;
      if (event.type !== 'paced-frame') continue;
      const { frame, tick, repeated, lateMs } = event;
      const shownAt = context.currentTime - startedAt;
      if (log.latency === undefined) {
        // Frame 0 shows the audio at 0 s: the picture runs `latency` behind the voice.
        log.latency = shownAt - frame.time;
        delay.delayTime.value = log.latency;
        await sink.start({ width: frame.image.width, height: frame.image.height, fps: 25 });
      }
      await sink.write(frame.image, tick);
      log.frames.push({ tick, index: frame.index, time: frame.time, repeated, shownAt, lateMs });
      status.value = `Frame ${frame.index}, ${log.latency.toFixed(2)} s behind the voice.`;
      document.body.dataset.state = 'playing';
    }
  } finally {
    for (const track of microphone.getTracks()) track.stop();
    await context.close();
    await head.dispose();
  }
}

startButton.addEventListener('click', () => {
  startButton.disabled = true;
  stopButton.disabled = false;
  document.body.dataset.state = 'starting';
  status.value = 'Listening: the first frame comes about 4 s after you start speaking.';
  run()
    .then(() => {
      document.body.dataset.state = 'done';
      status.value = `Stopped after ${log.frames.length} frames.`;
    })
    .catch((error: unknown) => {
      document.body.dataset.state = isAbortError(error) ? 'done' : 'error';
      status.value = isAbortError(error) ? 'Stopped.' : `Error: ${(error as Error).message}`;
    })
    .finally(() => {
      startButton.disabled = false;
      stopButton.disabled = true;
    });
});

stopButton.addEventListener('click', () => stop?.abort());
