import type { Page } from 'playwright-core';
import { type TapReading, timecodeTapModule } from '../../live/tests/timecode.js';
import type { LiveServerPage } from '../src/page/main.js';

/** A video frame as the page displayed it: its RTP timestamp and when it was shown (AudioContext time). */
export interface ShownFrame {
  readonly rtpTimestamp: number;
  readonly shownAt: number;
}

/** What the probe recorded: frames shown, and the received voice's 40 ms readings. */
export interface ProbeRecord {
  readonly frames: ShownFrame[];
  readonly voice: TapReading[];
}

type ProbeWindow = { liveServerPage: LiveServerPage; probe?: ProbeRecord };

/**
 * Starts recording in the page, once its connection has both tracks: each displayed frame's RTP timestamp
 * and display time (`requestVideoFrameCallback`, mapped onto the AudioContext's clock), and the received
 * voice through an AudioWorklet tap (each 40 ms window's middle and amplitude, as examples/live's test
 * taps it).
 */
export async function startProbe(page: Page, windowSeconds: number): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as ProbeWindow).liveServerPage.connection?.stream.getTracks().length === 2,
    undefined,
    { timeout: 30_000 },
  );
  await page.evaluate(async (tapModule) => {
    const probeWindow = window as unknown as ProbeWindow;
    const { connection, video } = probeWindow.liveServerPage;
    const context = new AudioContext();
    await context.resume();
    await context.audioWorklet.addModule(
      URL.createObjectURL(new Blob([tapModule], { type: 'text/javascript' })),
    );
    const probe: ProbeRecord = { frames: [], voice: [] };
    probeWindow.probe = probe;
    const tap = new AudioWorkletNode(context, 'timecode-tap');
    tap.port.onmessage = (event: MessageEvent<TapReading>) => probe.voice.push(event.data);
    const voice = new MediaStream(connection!.stream.getAudioTracks());
    context
      .createMediaStreamSource(voice)
      .connect(tap)
      .connect(new GainNode(context, { gain: 0 }))
      .connect(context.destination);
    const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata & { rtpTimestamp?: number }) => {
      const clock = context.getOutputTimestamp();
      const shownAt = clock.contextTime! + (metadata.expectedDisplayTime - clock.performanceTime!) / 1000;
      if (metadata.rtpTimestamp !== undefined)
        probe.frames.push({ rtpTimestamp: metadata.rtpTimestamp, shownAt });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, timecodeTapModule(windowSeconds));
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
}

/** The page's {@link SyncReport}, from its peer's `getStats()`. */
export function senderReportsReceived(page: Page): Promise<SyncReport> {
  return page.evaluate(async () => {
    type Report = Record<string, number> & { type: string; kind: 'audio' | 'video' };
    const { connection } = (window as unknown as ProbeWindow).liveServerPage;
    const reports: Record<string, number> = {};
    const playout: Record<string, number> = {};
    let audioJitterBufferMs = 0;
    (await connection!.peer.getStats()).forEach((report: Report) => {
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
    };
  });
}
