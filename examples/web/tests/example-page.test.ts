import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowserSession, type TestPage } from './browser-session.js';

// The example as a user meets it: files picked in <input>s, a click, frames on the canvas.
let session: BrowserSession;
const ready = () => session as Extract<BrowserSession, { site: unknown }>;

beforeAll(async () => {
  session = await openBrowserSession();
});

afterAll(async () => {
  await session?.close();
});

describe('the example page (index.html)', () => {
  async function pickInputs(
    device: 'auto' | 'wasm' | 'webgpu',
    sampler: 'ddpm' | 'ddim',
    speech: 'speechWav' | 'shortSpeechWav' = 'speechWav',
  ): Promise<TestPage> {
    const { portraitPng, [speech]: speechWav } = ready().site;
    const opened = await ready().open('index.html');
    const { page } = opened;
    await page.selectOption('#device', device);
    await page.selectOption('#sampler', sampler);
    await page.setInputFiles('#image', {
      name: 'portrait.png',
      mimeType: 'image/png',
      buffer: Buffer.from(portraitPng),
    });
    await page.setInputFiles('#audio', {
      name: 'speech.wav',
      mimeType: 'audio/wav',
      buffer: Buffer.from(speechWav),
    });
    return opened;
  }
  const finished = (opened: TestPage) =>
    opened.page.waitForFunction(
      () => ['done', 'cancelled', 'error'].includes(document.body.dataset.state ?? ''),
      undefined,
      { timeout: 240_000 },
    );
  const canvasRange = (opened: TestPage) =>
    opened.page.evaluate(() => {
      const canvas = document.querySelector('canvas')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let [low, high, opaque] = [255, 0, 0];
      for (let i = 0; i < data.length; i += 4) {
        low = Math.min(low, data[i]!);
        high = Math.max(high, data[i]!);
        opaque += data[i + 3] === 255 ? 1 : 0;
      }
      return { size: [canvas.width, canvas.height], low, high, opaque };
    });

  // On wasm only. The page's default, 'auto', is webgpu here, which is SwiftShader (the CPU): about a
  // minute a frame on this 2-core machine. That run is made once in CI, by browser.test.ts ("as the README
  // calls it", one frame checked against Node), and the user's install runs it again in
  // scripts/consumer-test.sh.
  for (const [choice, device, speech, status] of [
    // One frame: the canvas and the download are what this checks; browser.test.ts checks 25 frames on wasm.
    ['wasm', 'wasm', 'shortSpeechWav', '1 frame, 0.04 s'],
  ] as const) {
    it(`plays a picked portrait and speech clip on the canvas (${choice}: ${device})`, async (ctx) => {
      if (session.skipReason) return ctx.skip(session.skipReason);
      const opened = await pickInputs(choice, 'ddim', speech);
      await opened.page.click('#generate');
      await finished(opened);
      expect(await opened.page.textContent('#status')).toBe(`Done: ${status} at 25 fps on ${device}.`);
      expect(await opened.page.textContent('#device-used')).toBe(device);
      const canvas = await canvasRange(opened);
      expect(canvas.size).toEqual([320, 320]);
      expect(canvas.opaque).toBe(320 * 320);
      expect(canvas.high - canvas.low).toBeGreaterThan(50);
      // Chromium has WebCodecs: the same run also made an MP4 to download.
      const download = await opened.page.evaluate(async () => {
        const link = document.querySelector<HTMLAnchorElement>('#download')!;
        const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
        return {
          hidden: link.hidden,
          name: link.download,
          size: bytes.length,
          box: String.fromCharCode(...bytes.subarray(4, 8)),
        };
      });
      expect(download).toMatchObject({ hidden: false, name: 'joyvasa.mp4', box: 'ftyp' });
      expect(download.size).toBeGreaterThan(1000);
      expect(opened.errors).toEqual([]);
      await opened.page.close();
    });
  }

  it('stops when Cancel is clicked and leaves the canvas clear', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    // DDPM runs every diffusion step: the run lasts long enough to be cancelled mid-way.
    const opened = await pickInputs('wasm', 'ddpm');
    await opened.page.click('#generate');
    await opened.page.waitForFunction(() => document.body.dataset.state === 'running', undefined, {
      timeout: 120_000,
    });
    await opened.page.click('#cancel');
    await finished(opened);
    expect(await opened.page.textContent('#status')).toBe('Cancelled.');
    expect((await canvasRange(opened)).opaque).toBe(0);
    expect(await opened.page.isHidden('#download')).toBe(true);
    expect(await opened.page.isEnabled('#generate')).toBe(true);
    expect(opened.errors).toEqual([]);
    await opened.page.close();
  });
});
