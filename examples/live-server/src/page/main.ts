import { element } from '@joyvasa/example-kit/dom';
import { connectWhep, type WhepConnection } from './whep-client.js';

/** What the page exposes to its test: the open connection and the element that plays it. */
export interface LiveServerPage {
  connection?: WhepConnection;
  readonly video: HTMLVideoElement;
}

const [portrait, listen, speak, stop, text, say] = [
  element<HTMLSelectElement>('portrait'),
  element<HTMLButtonElement>('listen'),
  element<HTMLButtonElement>('speak'),
  element<HTMLButtonElement>('stop'),
  element<HTMLInputElement>('text'),
  element<HTMLButtonElement>('say'),
];
const [status, latency] = [element<HTMLOutputElement>('status'), element<HTMLOutputElement>('latency')];
const page: LiveServerPage = { video: element<HTMLVideoElement>('video') };
(window as unknown as { liveServerPage: LiveServerPage }).liveServerPage = page;
let statsTimer: ReturnType<typeof setInterval> | undefined;

function setState(state: 'idle' | 'connecting' | 'playing' | 'error', message: string): void {
  document.body.dataset.state = state;
  status.textContent = message;
  listen.disabled = speak.disabled = state === 'connecting' || state === 'playing';
  stop.disabled = say.disabled = state !== 'playing';
}

async function loadPortraits(): Promise<void> {
  const names = (await (await fetch('/portraits')).json()) as string[];
  portrait.replaceChildren(...names.map((name) => new Option(name, name)));
}

/** The server's part (audio in to frame out) and the browser's (network and jitter buffer), in ms. */
async function showLatency(connection: WhepConnection): Promise<void> {
  const server = (await (await fetch(connection.location)).json()) as { latencyMs?: number };
  let buffered: number | undefined;
  (await connection.peer.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video' && report.jitterBufferEmittedCount > 0) {
      buffered = (1000 * report.jitterBufferDelay) / report.jitterBufferEmittedCount;
    }
  });
  latency.textContent =
    `latency: server ${server.latencyMs?.toFixed(0) ?? '…'} ms (audio in → frame out), ` +
    `network and jitter buffer ${buffered?.toFixed(0) ?? '…'} ms`;
}

async function connect(withMicrophone: boolean): Promise<void> {
  setState('connecting', 'Connecting…');
  try {
    const microphone = withMicrophone
      ? (
          await navigator.mediaDevices.getUserMedia({
            audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
          })
        ).getAudioTracks()[0]
      : undefined;
    const endpoint = `/live/whep?portrait=${encodeURIComponent(portrait.value)}`;
    const connection = await connectWhep(endpoint, { microphone });
    page.connection = connection;
    page.video.srcObject = connection.stream;
    statsTimer = setInterval(() => void showLatency(connection).catch(() => undefined), 1000);
    setState('playing', withMicrophone ? 'Live: speak.' : 'Live: type a sentence and press Speak it.');
  } catch (error) {
    setState('error', `Could not connect: ${(error as Error).message}`);
  }
}

listen.addEventListener('click', () => void connect(false));
speak.addEventListener('click', () => void connect(true));
stop.addEventListener('click', async () => {
  clearInterval(statsTimer);
  await page.connection?.close();
  page.connection = undefined;
  page.video.srcObject = null;
  setState('idle', 'Stopped.');
});
say.addEventListener('click', async () => {
  const session = page.connection?.location;
  if (!session) return;
  const response = await fetch('/say', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, text: text.value }),
  });
  if (!response.ok) status.textContent = `The server could not speak it (${response.status}).`;
});
void loadPortraits().catch((error: unknown) =>
  setState('error', `No portraits: ${(error as Error).message}`),
);
