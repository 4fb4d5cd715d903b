import type { AudioStreamInput } from '@joyvasa/audio-encoder';
import { InvalidInputError, MissingDependencyError } from '@joyvasa/core';

/** Options of {@link captureAudio}. */
export interface CaptureAudioOptions {
  /** Ends the stream (the speech is over) and disconnects the capture. */
  readonly signal?: AbortSignal;
  /** Samples per chunk, at the context's rate. Default: 20 ms worth. */
  readonly chunkSamples?: number;
}

/** What {@link captureAudio} returns: an audio stream for `stream()`, and where it starts in time. */
export interface CapturedAudio extends AudioStreamInput {
  /** Mono chunks at the context's rate. */
  readonly stream: ReadableStream<Float32Array>;
  readonly sampleRate: number;
  readonly channels: 1;
  /**
   * When the stream's first sample passed through the graph, in seconds of `context.currentTime`'s clock;
   * resolves with the first chunk. A frame at `time` shows the audio that passed at `startTime + time`:
   * what a player needs to delay the voice by exactly the picture's latency.
   */
  readonly startTime: Promise<number>;
}

// Runs on the audio thread: channels averaged, 128-frame quanta gathered into chunks for the main thread.
// The first chunk carries the context time of its first sample.
const processorSource = `
registerProcessor('joyvasa-capture', class extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options.processorOptions.chunkSamples;
    this.chunk = new Float32Array(this.size);
    this.filled = 0;
    this.startTime = undefined;
  }
  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    if (this.startTime === undefined) this.startTime = currentTime;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels.length; c++) sum += channels[c][i];
      this.chunk[this.filled++] = sum / channels.length;
      if (this.filled === this.size) {
        this.port.postMessage({ pcm: this.chunk, startTime: this.startTime }, [this.chunk.buffer]);
        this.chunk = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
});`;

async function addCaptureProcessor(context: BaseAudioContext): Promise<void> {
  if (!context.audioWorklet) {
    throw new MissingDependencyError(
      'AudioWorklet',
      'this page has no AudioWorklet; it exists in secure contexts only (https:, or http://localhost)',
    );
  }
  const url = URL.createObjectURL(new Blob([processorSource], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Captures any Web Audio node (a microphone's `MediaStreamAudioSourceNode`, a TTS played into the graph)
 * as an audio stream for `stream()`: mono chunks at the context's rate, recorded on the audio thread by an
 * AudioWorklet. The stream ends when `signal` aborts, which also disconnects the capture; a consumer that
 * cancels the stream (`stream()` on abort or `break`) disconnects it too. The context must be running
 * (`context.resume()` from a user gesture) for chunks to come.
 */
export async function captureAudio(
  context: BaseAudioContext,
  source: AudioNode,
  options: CaptureAudioOptions = {},
): Promise<CapturedAudio> {
  const chunkSamples = options.chunkSamples ?? Math.round(context.sampleRate / 50);
  if (!Number.isInteger(chunkSamples) || chunkSamples < 128) {
    throw new InvalidInputError('options.chunkSamples', `must be a whole number >= 128, got ${chunkSamples}`);
  }
  await addCaptureProcessor(context);
  const node = new AudioWorkletNode(context, 'joyvasa-capture', { processorOptions: { chunkSamples } });
  // A silent path to the destination keeps the graph pulling the capture node.
  const mute = new GainNode(context, { gain: 0 });
  node.connect(mute).connect(context.destination);
  let started: (time: number) => void = () => {};
  const startTime = new Promise<number>((resolve) => {
    started = resolve;
  });
  let open = true;
  const disconnect = () => {
    if (!open) return false;
    open = false;
    source.disconnect(node);
    node.disconnect();
    mute.disconnect();
    node.port.close();
    return true;
  };
  source.connect(node);
  const stream = new ReadableStream<Float32Array>({
    start(controller) {
      node.port.onmessage = (event: MessageEvent<{ pcm: Float32Array; startTime: number }>) => {
        started(event.data.startTime);
        controller.enqueue(event.data.pcm);
      };
      const end = () => {
        if (disconnect()) controller.close();
      };
      if (options.signal?.aborted) end();
      else options.signal?.addEventListener('abort', end, { once: true });
    },
    cancel: () => void disconnect(),
  });
  return { stream, sampleRate: context.sampleRate, channels: 1, startTime };
}
