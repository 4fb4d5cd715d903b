import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowserSession } from './browser-session.js';

// The live page as a user meets it, with Chromium's fake microphone playing a WAV file on a loop.
let session: BrowserSession;
const ready = () => session as Extract<BrowserSession, { site: unknown }>;

beforeAll(async () => {
  session = await openBrowserSession({
    chromiumArgs: (site) => [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${site.microphoneWav}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

afterAll(async () => {
  await session?.close();
});

interface LiveLog {
  latency?: number;
  frames: { tick: number; index: number; time: number; repeated: boolean; shownAt: number; lateMs: number }[];
  dropped: number;
}

describe('the live page (live.html)', () => {
  it('animates the microphone continuously, the picture in step with the delayed voice', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    const opened = await ready().open('live.html');
    const { page } = opened;
    await page.setInputFiles('#image', {
      name: 'portrait.png',
      mimeType: 'image/png',
      buffer: Buffer.from(ready().site.portraitPng),
    });
    await page.click('#start');
    // Window 0 needs 4 s of speech; its 100 frames and the start of window 1 follow.
    const deadline = Date.now() + 300_000;
    for (;;) {
      const progress = await page.evaluate(() => ({
        frames: (window as unknown as { liveLog: LiveLog }).liveLog?.frames.length ?? 0,
        state: document.body.dataset.state,
        status: document.getElementById('status')?.textContent,
      }));
      if (progress.frames >= 150) break;
      if (progress.state === 'error' || Date.now() > deadline) {
        throw new Error(
          `the live page stalled: ${JSON.stringify(progress)}; console: ${opened.console.slice(-5).join(' | ')}; errors: ${opened.errors.join(' | ')}`,
        );
      }
      await page.waitForTimeout(2000);
    }
    await page.click('#stop');
    await page.waitForFunction(
      () => ['done', 'error'].includes(document.body.dataset.state ?? ''),
      undefined,
      {
        timeout: 300_000,
      },
    );
    const log = await page.evaluate(() => (window as unknown as { liveLog: LiveLog }).liveLog);
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ frames\.$/);
    // One frame per tick, without gaps: a repeat fills a tick whose frame was late.
    expect(log.frames.map((f) => f.tick)).toEqual(log.frames.map((_, i) => i));
    const shown = log.frames.filter((f) => !f.repeated);
    expect(shown.length).toBeGreaterThan(100);
    expect(shown.every((f) => f.index === f.tick && f.time === f.index / 25)).toBe(true);
    // The voice is played `latency` late; a frame's picture is shown when its audio is heard.
    expect(log.latency).toBeGreaterThan(3.9);
    for (const frame of shown) {
      expect(Math.abs(frame.shownAt - log.latency! - frame.time)).toBeLessThan(0.1 + frame.lateMs / 1000);
    }
    expect(opened.errors).toEqual([]);
    await page.close();
  });
});
