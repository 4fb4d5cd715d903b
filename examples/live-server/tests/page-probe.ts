import type { Page } from 'playwright-core';
import { type TapReading, timecodeTapModule } from '../../live/tests/timecode.js';
import type { LiveServerPage } from '../src/page/main.js';

/** A video frame as the page displayed it: its RTP timestamp and when it was shown. */
export interface ShownFrame {
  readonly rtpTimestamp: number;
  /** `requestVideoFrameCallback`'s `expectedDisplayTime` (ms, `performance.now` clock). */
  readonly displayedAtMs: number;
}

/**
 * The audio receiver's synchronization source as sampled: the RTP timestamp of the audio most recently
 * handed out for playout, and when (ms, `performance.now` clock).
 */
export interface VoicePlayout {
  readonly rtpTimestamp: number;
  readonly playedAtMs: number;
}

/** Chrome's own sync estimate at one instant: see {@link SyncReport.voiceMinusPictureMs}. */
export interface SyncEstimate {
  /** When it was read (ms, `performance.now` clock). */
  readonly atMs: number;
  readonly voiceMinusPictureMs: number;
}

/**
 * What the probe recorded: frames shown, voice playout samples, the received voice's 40 ms readings, and
 * Chrome's sync estimate every {@link estimateSampleMs}.
 */
export interface ProbeRecord {
  readonly frames: ShownFrame[];
  readonly playout: VoicePlayout[];
  readonly voice: TapReading[];
  readonly estimates: SyncEstimate[];
}

type ProbeWindow = { liveServerPage: LiveServerPage; probe?: ProbeRecord };

/** How often the page samples the voice's synchronization source besides each frame callback (ms). */
const playoutSampleMs = 5;
/** How often the page reads Chrome's sync estimate (ms). */
const estimateSampleMs = 200;

/**
 * Starts recording in the page, once its connection has both tracks: each displayed frame's RTP timestamp
 * and expected display time (`requestVideoFrameCallback`); the audio receiver's synchronization source
 * (`getSynchronizationSources()`: the RTP timestamp of the voice last handed out for playout, and when),
 * sampled at each frame callback and every 5 ms; and the received voice through an AudioWorklet tap (each
 * 40 ms window's middle and amplitude, as examples/live's test taps it) to check that speech was heard;
 * and Chrome's own estimate of voice minus picture (`estimatedPlayoutTimestamp`) every 200 ms.
 */
export async function startProbe(page: Page, windowSeconds: number): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as ProbeWindow).liveServerPage.connection?.stream.getTracks().length === 2,
    undefined,
    { timeout: 30_000 },
  );
  await page.evaluate(
    async ({ tapModule, playoutSampleMs, estimateSampleMs }) => {
      const probeWindow = window as unknown as ProbeWindow;
      const { connection, video } = probeWindow.liveServerPage;
      const context = new AudioContext();
      await context.resume();
      await context.audioWorklet.addModule(
        URL.createObjectURL(new Blob([tapModule], { type: 'text/javascript' })),
      );
      const probe: ProbeRecord = { frames: [], playout: [], voice: [], estimates: [] };
      probeWindow.probe = probe;
      const tap = new AudioWorkletNode(context, 'timecode-tap');
      tap.port.onmessage = (event: MessageEvent<TapReading>) => probe.voice.push(event.data);
      const voice = new MediaStream(connection!.stream.getAudioTracks());
      context
        .createMediaStreamSource(voice)
        .connect(tap)
        .connect(new GainNode(context, { gain: 0 }))
        .connect(context.destination);
      const receiver = connection!.peer.getReceivers().find((r) => r.track.kind === 'audio')!;
      const samplePlayout = () => {
        const [source] = receiver.getSynchronizationSources();
        if (!source) return;
        // Chrome gives the time on the Unix epoch's clock; the frames' display times are on performance.now's.
        const playedAtMs =
          source.timestamp > 1e12 ? source.timestamp - performance.timeOrigin : source.timestamp;
        const last = probe.playout.at(-1);
        if (last?.rtpTimestamp === source.rtpTimestamp && last.playedAtMs === playedAtMs) return;
        probe.playout.push({ rtpTimestamp: source.rtpTimestamp, playedAtMs });
      };
      setInterval(samplePlayout, playoutSampleMs);
      setInterval(async () => {
        const playout: Record<string, number> = {};
        type Inbound = { type: string; kind?: string; estimatedPlayoutTimestamp?: number };
        (await connection!.peer.getStats()).forEach((report: Inbound) => {
          if (report.type === 'inbound-rtp' && report.estimatedPlayoutTimestamp !== undefined)
            playout[report.kind!] = report.estimatedPlayoutTimestamp;
        });
        if (playout.audio !== undefined && playout.video !== undefined)
          probe.estimates.push({
            atMs: performance.now(),
            voiceMinusPictureMs: playout.audio - playout.video,
          });
      }, estimateSampleMs);
      const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata & { rtpTimestamp?: number }) => {
        samplePlayout();
        if (metadata.rtpTimestamp !== undefined)
          probe.frames.push({
            rtpTimestamp: metadata.rtpTimestamp,
            displayedAtMs: metadata.expectedDisplayTime,
          });
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    },
    { tapModule: timecodeTapModule(windowSeconds), playoutSampleMs, estimateSampleMs },
  );
}

/** A voice reading louder than this carries the timecode tone (the tone's peak is far above it). */
export const toneAmplitude = 0.05;

/** The readings in which the timecode tone is heard. */
export const toneReadings = (readings: readonly TapReading[]) =>
  readings.filter(([, amplitude]) => amplitude > toneAmplitude);

/**
 * Waits until `count` frames were shown and the voice carried the tone in at least `voiceTones` readings
 * (audio and pictures arrive at their own pace), then returns the record.
 */
export async function probeRecord(
  page: Page,
  count: number,
  timeoutMs: number,
  voiceTones = 0,
): Promise<ProbeRecord> {
  await page.waitForFunction(
    ({ count, voiceTones, toneAmplitude }) => {
      const probe = (window as unknown as ProbeWindow).probe;
      if (!probe || probe.frames.length < count) return false;
      return probe.voice.filter(([, amplitude]) => amplitude > toneAmplitude).length >= voiceTones;
    },
    { count, voiceTones, toneAmplitude },
    { timeout: timeoutMs },
  );
  return page.evaluate(() => (window as unknown as ProbeWindow).probe!);
}

/** What the page's peer says about sync: sender reports received, and Chrome's own playout estimates. */
export interface SyncReport {
  /** RTCP sender reports received per kind (`remote-outbound-rtp.reportsSent`). */
  readonly audio: number;
  readonly video: number;
  /** Chrome's estimated playout time (sender's clock) of the voice minus the picture's, ms. */
  readonly voiceMinusPictureMs: number;
  /** The audio jitter buffer's average target delay, ms. */
  readonly audioJitterBufferMs: number;
  /** The audio device's average playout delay (`media-playout` stats), ms; undefined where not reported. */
  readonly audioPlayoutDelayMs: number | undefined;
}

/** The page's {@link SyncReport}, from its peer's `getStats()`. */
export function senderReportsReceived(page: Page): Promise<SyncReport> {
  return page.evaluate(async () => {
    type Report = Record<string, number> & { type: string; kind: 'audio' | 'video' };
    const { connection } = (window as unknown as ProbeWindow).liveServerPage;
    const reports: Record<string, number> = {};
    const playout: Record<string, number> = {};
    let audioJitterBufferMs = 0;
    let audioPlayoutDelayMs: number | undefined;
    (await connection!.peer.getStats()).forEach((report: Report) => {
      if (report.type === 'media-playout' && report.totalSamplesCount! > 0)
        audioPlayoutDelayMs = (1000 * report.totalPlayoutDelay!) / report.totalSamplesCount!;
      if (report.type === 'remote-outbound-rtp') reports[report.kind] = report.reportsSent!;
      if (report.type !== 'inbound-rtp') return;
      playout[report.kind] = report.estimatedPlayoutTimestamp!;
      if (report.kind === 'audio')
        audioJitterBufferMs = (1000 * report.jitterBufferTargetDelay!) / report.jitterBufferEmittedCount!;
    });
    return {
      audio: reports.audio ?? 0,
      video: reports.video ?? 0,
      voiceMinusPictureMs: Math.round(playout.audio! - playout.video!),
      audioJitterBufferMs: Math.round(audioJitterBufferMs),
      audioPlayoutDelayMs:
        audioPlayoutDelayMs === undefined ? undefined : Math.round(audioPlayoutDelayMs * 10) / 10,
    };
  });
}
