// `internimage check-fixtures --browser`: bundles the check page, serves it with the fixture folder (cross-origin
// isolated, so wasm threads run), and runs the cases in headless Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from '../fixtures/run_case.js';
import type { FixtureRunOptions, FixtureRunReport } from '../fixtures/run_cases.js';
import { RUNNING_FROM_SOURCE, bundlePage } from './bundle.js';
import { launchBrowser } from './chromium.js';
import { serveStatic } from './static_server.js';

const PAGE = fileURLToPath(new URL(`../browser_check/page.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
const ASSETS = fileURLToPath(new URL('../../assets/', import.meta.url));

export async function runFixtureCasesInBrowser(options: FixtureRunOptions): Promise<FixtureRunReport> {
  const work = mkdtempSync(join(tmpdir(), 'internimage-page-'));
  const dir = resolve(options.dir);
  const images = resolve(options.imagesDir ?? join(dir, '..', '..', 'images'));
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    await bundlePage(PAGE, work);
    server = await serveStatic({ '/': work, '/fixtures/': dir, '/images/': images, '/assets/': ASSETS });
    browser = await launchBrowser();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (options.onCase) await page.exposeFunction('internimageOnCase', options.onCase);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => globalThis.internimageCheck !== undefined, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the check page did not start${errors.length ? `: ${errors.join('; ')}` : ''}`);
    });
    const { onCase, ...rest } = options;
    const pageOptions = { ...rest, dir: `${server.url}/fixtures/`, imagesDir: `${server.url}/images/`, report: onCase !== undefined };
    page.setDefaultTimeout(0);
    return await page.evaluate(({ report, ...o }) => globalThis.internimageCheck!.checkFixtures({
      ...o,
      onCase: report ? (r: CaseResult) => void (globalThis as unknown as { internimageOnCase(r: CaseResult): void }).internimageOnCase(r) : undefined,
    }), pageOptions);
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
