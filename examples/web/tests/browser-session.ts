import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failOnCi } from '@joyvasa/test-utils';
import type { Browser, Page } from 'playwright-core';
import type { Harness } from './harness-protocol.js';
import { browserUnavailableReason, launchChromium } from './launch-chromium.js';
import { prepareTestSite, type TestSite } from './prepare-test-site.js';
import { type StaticServer, startStaticServer } from './start-static-server.js';

/** A page the tests drive, with what it printed. */
export interface TestPage {
  readonly page: Page;
  /** Console messages, in order (onnxruntime's logs among them). */
  readonly console: string[];
  /** Uncaught errors and unhandled rejections. */
  readonly errors: string[];
}

/** The built site, its server and a browser; or why there is none. */
export type BrowserSession =
  | {
      readonly site: TestSite;
      readonly server: StaticServer;
      /**
       * Opens a page of the site (a path such as `tests/harness.html`) and waits for it to load. `cores`
       * overrides `navigator.hardwareConcurrency` in the page.
       */
      open(path: string, options?: { readonly cores?: number }): Promise<TestPage>;
      close(): Promise<void>;
      readonly skipReason?: undefined;
    }
  | { readonly skipReason: string; close(): Promise<void> };

/**
 * Builds and serves the site, then starts Chromium. When Chromium is missing or does not start, returns
 * a `skipReason` on a developer machine, and throws when `CI=true`: CI must run these tests.
 */
export async function openBrowserSession(): Promise<BrowserSession> {
  const unavailable = (reason: string, cause?: unknown) => {
    failOnCi(`the browser tests cannot run: ${reason}`, cause);
    return { skipReason: reason, close: async () => {} };
  };
  const missing = browserUnavailableReason();
  if (missing) return unavailable(missing);
  const directory = await mkdtemp(join(tmpdir(), 'joyvasa-browser-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const site = await prepareTestSite(directory);
    server = await startStaticServer(site.routes);
    try {
      browser = await launchChromium();
    } catch (error) {
      await close();
      return unavailable(`Chromium did not start: ${(error as Error).message.split('\n')[0]}`, error);
    }
    const started = browser;
    const origin = server.url;
    return {
      site,
      server,
      close,
      async open(path, options = {}) {
        const page = await started.newPage();
        if (options.cores) {
          // onnxruntime-web sizes its WASM thread pool from this (half the cores, at most 4).
          await page.addInitScript((cores) => {
            Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => cores });
          }, options.cores);
        }
        const opened: TestPage = { page, console: [], errors: [] };
        page.on('console', (message) => {
          opened.console.push(message.text());
          // The harness's pipeline timeline, live: where a slow (SwiftShader) run spends its time.
          if (message.text().startsWith('[pipeline]')) process.stdout.write(`${message.text()}\n`);
        });
        page.on('pageerror', (error) => opened.errors.push(error.message));
        await page.goto(`${origin}${path}`);
        return opened;
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Opens the harness page and waits for `window.harness`. */
export async function openHarness(
  session: Extract<BrowserSession, { site: unknown }>,
  options: { readonly cores?: number } = {},
): Promise<TestPage> {
  const opened = await session.open('tests/harness.html', options);
  await opened.page.waitForFunction(() => 'harness' in globalThis);
  return opened;
}

/** Calls `window.harness[name](argument)` in a harness page. */
export function callHarness<K extends keyof Harness>(
  page: Page,
  name: K,
  argument?: Parameters<Harness[K]>[0],
): ReturnType<Harness[K]> {
  return page.evaluate(
    ([method, arg]) =>
      (globalThis as unknown as { harness: Record<string, (a: unknown) => unknown> }).harness[method]!(arg),
    [name, argument] as const,
  ) as ReturnType<Harness[K]>;
}
