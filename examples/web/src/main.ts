import { createOnnxWebBackend } from '@joyvasa/backend-onnx-web';
import { type Device, isAbortError, isDeviceRequest, type JoyvasaEvent } from '@joyvasa/core';
import { element } from '@joyvasa/example-kit/dom';
import {
  type AnimateOptions,
  type BrowserTalkingHead,
  createCanvasSink,
  createTalkingHead,
  createTeeSink,
  createWebCodecsVideoSink,
  type TalkingHeadEvent,
} from '@joyvasa/pipeline/browser';

const form = element<HTMLFormElement>('form');
const imageInput = element<HTMLInputElement>('image');
const audioInput = element<HTMLInputElement>('audio');
const modelsInput = element<HTMLInputElement>('models');
const deviceSelect = element<HTMLSelectElement>('device');
const samplerSelect = element<HTMLSelectElement>('sampler');
const generateButton = element<HTMLButtonElement>('generate');
const cancelButton = element<HTMLButtonElement>('cancel');
const deviceOutput = element<HTMLOutputElement>('device-used');
const progress = element<HTMLProgressElement>('progress');
const status = element<HTMLOutputElement>('status');
const canvas = element<HTMLCanvasElement>('video');
const notices = element<HTMLUListElement>('notices');
const downloadSlot = element<HTMLParagraphElement>('download-slot');

/** Where the browser has WebCodecs, each run also encodes an MP4 (H.264, with AAC or Opus) to download. */
const canEncodeVideo = typeof VideoEncoder === 'function' && typeof AudioEncoder === 'function';

let videoUrl: string | undefined;

/** Shows a link to the MP4 of the last run (`#download`), or removes it. */
function offerDownload(video: Blob | undefined): void {
  if (videoUrl) URL.revokeObjectURL(videoUrl);
  videoUrl = video ? URL.createObjectURL(video) : undefined;
  downloadSlot.replaceChildren();
  if (!videoUrl) return;
  const link = document.createElement('a');
  link.id = 'download';
  link.href = videoUrl;
  link.download = 'joyvasa.mp4';
  link.textContent = 'Download the video (MP4)';
  downloadSlot.append(link);
}

type PageState = 'idle' | 'loading' | 'running' | 'done' | 'cancelled' | 'error';

/** The state is also on `<body data-state>`, for styling and for the end-to-end test. */
function setState(state: PageState, message: string): void {
  document.body.dataset.state = state;
  status.value = message;
  const busy = state === 'loading' || state === 'running';
  generateButton.disabled = busy;
  cancelButton.disabled = !busy;
}

function notice(message: string): void {
  const item = document.createElement('li');
  item.textContent = message;
  notices.append(item);
}

// One backend for the page: its device probes and the onnxruntime-web module are loaded once.
const backend = createOnnxWebBackend();
let loaded: { readonly key: string; readonly head: Promise<BrowserTalkingHead> } | undefined;
let running: AbortController | undefined;

function onModelEvent(event: JoyvasaEvent): void {
  if (event.type === 'notice') notice(event.message);
  if (event.type === 'model-file' && event.status !== 'cached' && event.total > 0) {
    progress.max = event.total;
    progress.value = event.loaded;
    status.value = `Loading ${event.file}…`;
  }
}

/** Resolves the device first, so the page can say where it runs before any model is loaded. */
async function chooseDevice(): Promise<Device> {
  const request = isDeviceRequest(deviceSelect.value) ? deviceSelect.value : 'auto';
  const device = await backend.resolveDevice(request, (event) => {
    if (event.type === 'backend-fallback') {
      deviceOutput.value = `${event.device} (no ${event.skipped.join(', ')} here)`;
    }
  });
  if (!deviceOutput.value.startsWith(device)) deviceOutput.value = device;
  document.body.dataset.device = device;
  return device;
}

/** The talking head for a bundle URL and device, reused across runs (its models stay loaded). */
async function talkingHead(models: string, device: Device): Promise<BrowserTalkingHead> {
  const key = `${models} on ${device}`;
  if (loaded?.key !== key) {
    const previous = loaded;
    const head = createTalkingHead({ models, backend, device, onEvent: onModelEvent });
    loaded = { key, head };
    // A failed load is not kept: the next click tries again.
    head.catch(() => {
      if (loaded?.head === head) loaded = undefined;
    });
    await previous?.head.then((old) => old.dispose()).catch(() => undefined);
  }
  return loaded.head;
}

function onRunEvent(event: TalkingHeadEvent): void {
  if (event.type === 'progress' && event.stage === 'sample-motion') {
    status.value = `Sampling motion: window ${event.completed} of ${event.total}`;
  }
  if (event.type === 'progress' && event.stage === 'render') {
    progress.max = event.total;
    progress.value = event.completed;
    status.value = `Rendered frame ${event.completed} of ${event.total}`;
  }
  if (event.type === 'notice') notice(event.message);
}

async function generate(): Promise<void> {
  const image = imageInput.files?.[0];
  const audio = audioInput.files?.[0];
  if (!image || !audio) return setState('error', 'Pick a portrait and a speech clip first.');
  running = new AbortController();
  const { signal } = running;
  notices.replaceChildren();
  offerDownload(undefined);
  progress.value = 0;
  try {
    setState('loading', 'Finding a device…');
    const device = await chooseDevice();
    setState('loading', `Loading models on ${device}…`);
    const head = await talkingHead(modelsInput.value.trim(), device);
    signal.throwIfAborted();
    setState('running', 'Preparing the portrait…');
    const options: AnimateOptions = samplerSelect.value === 'ddim' ? { sampler: { ddim: 25 } } : {};
    const preview = createCanvasSink(canvas);
    const result = await head.generate(
      { image, audio },
      {
        ...options,
        signal,
        sink: canEncodeVideo ? createTeeSink(createWebCodecsVideoSink(), preview) : preview,
        onEvent: onRunEvent,
      },
    );
    offerDownload(result.sink && 'blob' in result.sink ? (result.sink.blob as Blob) : undefined);
    setState(
      'done',
      `Done: ${result.frameCount} frame${result.frameCount === 1 ? '' : 's'}, ${result.durationSeconds.toFixed(2)} s at ${result.fps} fps on ${device}.`,
    );
  } catch (error) {
    if (isAbortError(error)) setState('cancelled', 'Cancelled.');
    else setState('error', (error as Error).message);
  } finally {
    running = undefined;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void generate();
});
cancelButton.addEventListener('click', () => running?.abort());
