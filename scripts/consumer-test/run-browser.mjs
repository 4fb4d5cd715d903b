// Opens the built page (the README's browser example) in headless Chromium, once with WebGPU (SwiftShader,
// a CPU implementation, where there is no GPU) and once without it (WASM), and checks what the page did:
// its console (the example logs every event and a summary line) and its uncaught errors.
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const runs = {
  webgpu: [...quiet, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  wasm: quiet,
};

async function openPage(url, device) {
  const openedAt = Date.now();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: runs[device] });
  const page = await browser.newPage();
  const events = [];
  const errors = [];
  const lines = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', async (message) => {
    const values = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => undefined)));
    const [first] = values;
    if (first && typeof first === 'object' && typeof first.type === 'string') {
      events.push(first);
      // A timeline of model loading, for runs that are slow (WebGPU on SwiftShader is the CPU).
      if (first.type === 'model-file' && first.status === 'end') {
        console.log(`  ${device}: ${first.file} after ${((Date.now() - openedAt) / 1000).toFixed(1)} s`);
      }
    } else lines.push(message.text());
  });
  if (device === 'wasm') {
    // A browser without WebGPU, as most browsers on Linux are today.
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }),
    );
  }
  await page.goto(url);
  return { browser, page, events, errors, lines };
}

async function check(url, device) {
  const started = Date.now();
  const { browser, page, events, errors, lines } = await openPage(url, device);
  try {
    const hasGpu = await page.evaluate(async () => Boolean(await navigator.gpu?.requestAdapter()));
    if (hasGpu !== (device === 'webgpu')) throw new Error(`${device}: WebGPU adapter present: ${hasGpu}`);
    const summary = /^\d+ frames, [\d.]+ s$/;
    const deadline = Date.now() + 600_000;
    while (!lines.some((line) => summary.test(line)) && errors.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const fallbacks = events.filter((event) => event.type === 'backend-fallback');
    const counts = {};
    for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    const report = {
      device,
      seconds: (Date.now() - started) / 1000,
      events: counts,
      lines,
      errors,
      fallbacks,
    };
    console.log(JSON.stringify(report));
    if (errors.length > 0) throw new Error(`${device}: the page threw: ${errors.join('; ')}`);
    for (const line of lines.filter((text) => / s$/.test(text))) console.log(`  ${device}: ${line}`);
    if (!lines.includes('1 frames, 0.04 s'))
      throw new Error(`${device}: no '1 frames, 0.04 s' line: ${lines}`);
    // 'auto' picked WebGPU where the browser has it (no fallback), WASM where it has not (one fallback).
    const expected = device === 'webgpu' ? [] : [{ device: 'wasm', skipped: ['webgpu'] }];
    const got = fallbacks.map(({ device, skipped }) => ({ device, skipped }));
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(
        `${device}: backend-fallback events ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`,
      );
    }
    const canvas = await page.evaluate(() => {
      const element = document.querySelector('canvas');
      return [element.width, element.height];
    });
    if (canvas[0] !== 320 || canvas[1] !== 320)
      throw new Error(`${device}: canvas is ${canvas}, not 320x320`);
  } finally {
    await browser.close();
  }
}

const server = await preview({ root: 'browser', logLevel: 'warn', preview: { strictPort: false } });
try {
  const url = server.resolvedUrls.local[0];
  for (const device of process.argv.slice(2).length ? process.argv.slice(2) : ['webgpu', 'wasm']) {
    await check(url, device);
    console.log(`ok: the README's browser example ran on ${device}`);
  }
} finally {
  await server.close();
}
