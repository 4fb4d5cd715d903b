import { isAbortError, isDeviceRequest } from '@joyvasa/core';
import { element } from '@joyvasa/example-kit/dom';
import type { LivePage } from './live-log.js';
import { runLive } from './run-live.js';

const imageInput = element<HTMLInputElement>('image');
const modelsInput = element<HTMLInputElement>('models');
const deviceSelect = element<HTMLSelectElement>('device');
const lookaheadInput = element<HTMLInputElement>('lookahead');
const stepsInput = element<HTMLInputElement>('steps');
const bufferInput = element<HTMLInputElement>('buffer');
const workerInput = element<HTMLInputElement>('worker');
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');
const status = element<HTMLOutputElement>('status');
const canvas = element<HTMLCanvasElement>('video');

const livePage: LivePage = { log: { frames: [], dropped: 0, repeated: 0 } };
(window as unknown as { livePage: LivePage }).livePage = livePage;
let stop: AbortController | undefined;

function start(): Promise<void> {
  const image = imageInput.files?.[0];
  if (!image) return Promise.reject(new Error('pick a portrait first'));
  const device = deviceSelect.value;
  if (!isDeviceRequest(device)) return Promise.reject(new Error(`unknown device ${device}`));
  stop = new AbortController();
  Object.assign(livePage.log, { frames: [], dropped: 0, repeated: 0, latency: undefined });
  return runLive({
    image,
    models: modelsInput.value,
    device,
    wasmInWorker: workerInput.checked,
    lookahead: Number(lookaheadInput.value),
    ddimSteps: Number(stepsInput.value),
    bufferSeconds: Number(bufferInput.value) || 0,
    canvas,
    signal: stop.signal,
    log: livePage.log,
    onGraph: async (graph) => {
      livePage.graph = graph;
      await livePage.beforeCapture?.(graph);
    },
    onStatus: (text) => {
      status.value = text;
      document.body.dataset.state = livePage.log.frames.length > 0 ? 'playing' : 'listening';
    },
  });
}

startButton.addEventListener('click', () => {
  startButton.disabled = true;
  stopButton.disabled = false;
  document.body.dataset.state = 'starting';
  status.value = 'Loading the models…';
  start()
    .then(() => {
      document.body.dataset.state = 'done';
      status.value = `Done after ${livePage.log.frames.length} frames.`;
    })
    .catch((error: unknown) => {
      const stopped = isAbortError(error);
      document.body.dataset.state = stopped ? 'stopped' : 'error';
      status.value = stopped
        ? `Stopped after ${livePage.log.frames.length} frames.`
        : `Error: ${(error as Error).message}`;
    })
    .finally(() => {
      startButton.disabled = false;
      stopButton.disabled = true;
    });
});

stopButton.addEventListener('click', () => stop?.abort());
