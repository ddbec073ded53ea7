// Pages in headless Chromium for tests: the system Chromium (never a downloaded one) driven by playwright-core,
// pages bundled with esbuild and served on 127.0.0.1 with the cross-origin isolation headers. When Chromium is
// missing, browser tests skip and say why (CI installs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundlePage, chromiumMissing, launchBrowser, serveStatic } from 'internimage/browser-runner';
import type { ServeOptions, StaticServer } from 'internimage/browser-runner';

export { bundlePage, chromiumMissing, launchBrowser, serveStatic };
export type { ServeOptions, StaticServer };

export interface OpenedPage {
  page: Page;
  server: StaticServer;
  browser: Browser;
  /** Uncaught errors and console errors of the page so far. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Bundles `entry` into a page, serves it at '/' beside `mounts` (URL prefix → folder) and opens it; resolves when
 * `ready` (a global the page sets) exists.
 */
export async function openPage(entry: string, mounts: Readonly<Record<string, string>>, ready: string, options: ServeOptions = {}): Promise<OpenedPage> {
  const work = mkdtempSync(join(tmpdir(), 'internimage-test-page-'));
  await bundlePage(entry, work);
  const server = await serveStatic({ ...mounts, '/': work }, options);
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.setDefaultTimeout(0);
  await page.goto(`${server.url}/`);
  await page.waitForFunction((name) => name in globalThis, ready, { timeout: 30_000 });
  return {
    page, server, browser, errors,
    close: async () => {
      await browser.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
