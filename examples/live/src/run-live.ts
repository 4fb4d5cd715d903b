import type { DeviceRequest } from '@joyvasa/core';
import {
  type AnimateOptions,
  type BrowserTalkingHead,
  captureAudio,
  createCanvasSink,
  createTalkingHead,
  type PacedFrameEvent,
  paceFrames,
} from '@joyvasa/pipeline/browser';
import { liveBackend } from './live-backend.js';
import type { LiveGraph, LiveLog } from './live-log.js';

/** What one live run needs. */
export interface LiveRunOptions {
  readonly image: Blob;
  readonly models: string;
  readonly device: DeviceRequest;
  /** WASM in onnxruntime-web's proxy worker (the page's thread stays free), else on the page's thread. */
  readonly wasmInWorker: boolean;
  /** Seconds of speech each window waits for (4: the exact path). */
  readonly lookahead: number;
  readonly ddimSteps: number;
  /**
   * Seconds of frames buffered before the picture starts (the latency grows by as much): a renderer slower
   * than real time shows that many seconds' worth of frames before it falls behind the clock and its late
   * frames are dropped.
   */
  readonly bufferSeconds: number;
  readonly canvas: HTMLCanvasElement;
  /** Stop: ends the run at once (the frames not yet shown are not rendered). */
  readonly signal: AbortSignal;
  readonly log: LiveLog;
  /** The audio graph, before the capture starts (which waits for what this returns). */
  onGraph(graph: LiveGraph): void | Promise<void>;
  onStatus(text: string): void;
}

// The longest latency the voice can be delayed by (Web Audio allows up to 180 s).
const maxDelaySeconds = 120;

/** The microphone as spoken: no processing that would change what the model hears or its level. */
function openMicrophone(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
}

/**
 * Microphone → AudioWorklet capture → `stream()` (WASM inference in a worker) → pacing at the model's frame rate → canvas,
 * with the voice played through a delay set, at the first frame, to the picture's latency: a frame at
 * `time` shows the audio captured at `startTime + time`, so that audio is played when the frame is drawn.
 */
export async function runLive(options: LiveRunOptions): Promise<void> {
  const { backend, device } = await liveBackend(options.device, options.wasmInWorker);
  const head = await createTalkingHead({ models: options.models, device, backend });
  try {
    // The models load and run once before the microphone opens, so neither is latency.
    await head.warmUp(options.image, animateOptions(options));
    const microphone = await openMicrophone();
    try {
      const context = new AudioContext();
      try {
        await play(head, context, microphone, options);
      } finally {
        await context.close();
      }
    } finally {
      for (const track of microphone.getTracks()) track.stop();
    }
  } finally {
    await head.dispose();
  }
}

function animateOptions(options: LiveRunOptions): AnimateOptions {
  return { sampler: { ddim: options.ddimSteps }, lookahead: options.lookahead, signal: options.signal };
}

async function play(
  head: BrowserTalkingHead,
  context: AudioContext,
  microphoneStream: MediaStream,
  options: LiveRunOptions,
): Promise<void> {
  const { log, signal } = options;
  await context.resume();
  const microphone = context.createMediaStreamSource(microphoneStream);
  const delay = new DelayNode(context, { maxDelayTime: maxDelaySeconds });
  const voice = new GainNode(context, { gain: 0 });
  microphone.connect(delay).connect(voice).connect(context.destination);
  await options.onGraph({ context, microphone, voice });
  const audio = await captureAudio(context, microphone);
  const sink = createCanvasSink(options.canvas);
  const events = head.stream({ image: options.image, audio }, animateOptions(options));
  let drawn = 0;
  options.onStatus('Listening: the first frame comes once the first window is sampled.');
  // Ticks on the audio clock, which plays the voice: the wall clock drifts from it (20 ms in 15 s on the
  // loaded test machine), and the lips would drift with it.
  const audioClock = () => context.currentTime * 1000;
  const startDelayMs = options.bufferSeconds * 1000;
  let fps = 0; // the motion model's, from the first motion-chunk (which comes before any frame)
  for await (const event of paceFrames(events, { signal, now: audioClock, startDelayMs })) {
    if (event.type === 'motion-chunk') fps = event.fps;
    if (event.type === 'frame-dropped') log.dropped++;
    if (event.type !== 'paced-frame') continue;
    const shownAt = context.currentTime;
    if (log.latency === undefined) {
      log.startTime = await audio.startTime;
      log.latency = shownAt - log.startTime - event.frame.time;
      delay.delayTime.value = Math.min(log.latency, maxDelaySeconds);
      voice.gain.value = 1;
      const { width, height } = event.frame.image;
      await sink.start({ width, height, fps });
    }
    if (event.repeated) log.repeated++;
    else await sink.write(event.frame.image, drawn++);
    logFrame(log, event, shownAt);
    options.onStatus(statusLine(log, event));
  }
}

function logFrame(log: LiveLog, event: PacedFrameEvent, shownAt: number): void {
  const { tick, frame, repeated, lateMs } = event;
  log.frames.push({ tick, index: frame.index, time: frame.time, repeated, shownAt, lateMs });
}

/** The frame, the latency, and how far the ticks have fallen behind the first (a renderer too slow). */
function statusLine(log: LiveLog, event: PacedFrameEvent): string {
  const behind = (event.lateMs - log.frames[0]!.lateMs) / 1000;
  return (
    `Frame ${event.frame.index} at ${event.frame.time.toFixed(2)} s · latency ${log.latency?.toFixed(2)} s · ` +
    `${behind.toFixed(2)} s behind · ${log.repeated} repeated · ${log.dropped} dropped`
  );
}
