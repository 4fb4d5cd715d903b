import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failOnCi } from '@joyvasa/test-utils';
import type { Browser, Page } from 'playwright-core';
import type { StaticRoute } from '../create-static-handler.js';
import { browserUnavailableReason, launchChromium } from './launch-chromium.js';
import { type StaticServer, startStaticServer } from './start-static-server.js';

/** A page the tests drive, with what it printed. */
export interface TestPage {
  readonly page: Page;
  /** Console messages, in order (onnxruntime's logs among them). */
  readonly console: string[];
  /** Uncaught errors and unhandled rejections. */
  readonly errors: string[];
}

/** What a test site serves: its routes, and whatever else its tests read. */
export interface ServedSite {
  readonly routes: readonly StaticRoute[];
}

/** The built site, its server and a browser; or why there is none. */
export type BrowserSession<Site extends ServedSite> =
  | {
      readonly site: Site;
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

/** Options of {@link openBrowserSession}. */
export interface BrowserSessionOptions<Site extends ServedSite> {
  /** Writes the site into an empty temporary folder (built pages, models, inputs). */
  readonly prepare: (directory: string) => Promise<Site>;
  /** More Chromium flags, which may name the site's files (a fake microphone's WAV). */
  readonly chromiumArgs?: (site: Site) => readonly string[];
}

/**
 * Builds and serves the site, then starts Chromium. When Chromium is missing or does not start, returns
 * a `skipReason` on a developer machine, and throws when `CI=true`: CI must run these tests.
 */
export async function openBrowserSession<Site extends ServedSite>(
  options: BrowserSessionOptions<Site>,
): Promise<BrowserSession<Site>> {
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
    const site = await options.prepare(directory);
    server = await startStaticServer(site.routes);
    try {
      browser = await launchChromium(options.chromiumArgs?.(site));
    } catch (error) {
      await close();
      return unavailable(`Chromium did not start: ${(error as Error).message.split('\n')[0]}`, error);
    }
    return { site, server, close, open: pageOpener(browser, server.url) };
  } catch (error) {
    await close();
    throw error;
  }
}

function pageOpener(browser: Browser, origin: string) {
  return async (path: string, options: { readonly cores?: number } = {}): Promise<TestPage> => {
    const page = await browser.newPage();
    if (options.cores) {
      // onnxruntime-web sizes its WASM thread pool from this (half the cores, at most 4).
      await page.addInitScript((cores) => {
        Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => cores });
      }, options.cores);
    }
    const opened: TestPage = { page, console: [], errors: [] };
    page.on('console', (message) => {
      opened.console.push(message.text());
      // The pages' pipeline timeline, live: where a slow (SwiftShader, WASM) run spends its time.
      if (message.text().startsWith('[pipeline]')) process.stdout.write(`${message.text()}\n`);
    });
    page.on('pageerror', (error) => opened.errors.push(error.message));
    await page.goto(`${origin}${path}`);
    return opened;
  };
}
