import {
  type BrowserSession as ExampleBrowserSession,
  openBrowserSession as openExampleBrowserSession,
  type TestPage,
} from '@joyvasa/example-kit/testing';
import type { Page } from 'playwright-core';
import type { Harness } from './harness-protocol.js';
import { prepareTestSite, type TestSite } from './prepare-test-site.js';

export type { TestPage };

/** This example's built site, its server and a browser; or why there is none. */
export type BrowserSession = ExampleBrowserSession<TestSite>;

/** Builds and serves this example's site (the page, the harness, models, inputs) and starts Chromium. */
export function openBrowserSession(): Promise<BrowserSession> {
  return openExampleBrowserSession({ prepare: prepareTestSite });
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
