import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The browser the tests drive: Debian's Chromium unless `CHROMIUM_PATH` names another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can try. On CI a missing browser is a
 * failure, not a skip: CI must install it (`apt-get install -y chromium`).
 */
export function browserUnavailableReason(): string | undefined {
  return existsSync(chromiumPath)
    ? undefined
    : `no Chromium at ${chromiumPath} (install Debian's chromium package, or set CHROMIUM_PATH)`;
}

/**
 * Starts headless Chromium with the flags of shared/research/runtime-probe.md §3: WebGPU switched on
 * (`--enable-unsafe-webgpu`; on a machine without a GPU the adapter is SwiftShader, a CPU
 * implementation), and every background connection off, since the test machines have no network.
 * `extraArgs` add to them (the live page's fake microphone).
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--enable-unsafe-webgpu',
      // The same adapter on every machine, GPU or not: the WebGPU checks are sized for SwiftShader.
      '--use-webgpu-adapter=swiftshader',
      ...extraArgs,
    ],
  });
}
