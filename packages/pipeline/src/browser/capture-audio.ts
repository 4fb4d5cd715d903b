import type { AudioStreamInput } from '@joyvasa/audio-encoder';

/** Options of {@link captureAudio}. */
export interface CaptureAudioOptions {
  /** Ends the stream (the speech is over) and disconnects the capture. */
  readonly signal?: AbortSignal;
  /** Samples per chunk, at the context's rate. Default: 20 ms worth. */
  readonly chunkSamples?: number;
}

// Runs on the audio thread: channels averaged, 128-frame quanta gathered into chunks for the main thread.
const processorSource = `
registerProcessor('joyvasa-capture', class extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options.processorOptions.chunkSamples;
    this.chunk = new Float32Array(this.size);
    this.filled = 0;
  }
  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels.length; c++) sum += channels[c][i];
      this.chunk[this.filled++] = sum / channels.length;
      if (this.filled === this.size) {
        this.port.postMessage(this.chunk, [this.chunk.buffer]);
        this.chunk = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
});`;

/**
 * Captures any Web Audio node (a microphone's `MediaStreamAudioSourceNode`, a TTS played into the graph)
 * as an audio stream for `stream()`: mono chunks at the context's rate, recorded on the audio thread by an
 * AudioWorklet. The stream ends when `signal` aborts, which also disconnects the capture.
 */
export async function captureAudio(
  context: BaseAudioContext,
  source: AudioNode,
  options: CaptureAudioOptions = {},
): Promise<AudioStreamInput & { readonly stream: ReadableStream<Float32Array> }> {
  const url = URL.createObjectURL(new Blob([processorSource], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const chunkSamples = options.chunkSamples ?? Math.round(context.sampleRate / 50);
  const node = new AudioWorkletNode(context, 'joyvasa-capture', { processorOptions: { chunkSamples } });
  // A silent path to the destination keeps the graph pulling the capture node.
  const mute = new GainNode(context, { gain: 0 });
  node.connect(mute).connect(context.destination);
  const stop = () => {
    source.disconnect(node);
    node.disconnect();
    node.port.close();
  };
  const stream = new ReadableStream<Float32Array>({
    start(controller) {
      node.port.onmessage = (event: MessageEvent<Float32Array>) => controller.enqueue(event.data);
      options.signal?.addEventListener(
        'abort',
        () => {
          stop();
          controller.close();
        },
        { once: true },
      );
    },
    cancel: stop,
  });
  source.connect(node);
  return { stream, sampleRate: context.sampleRate, channels: 1 };
}
