// Headless Chromium driven by playwright-core (an optional peer dependency; it never downloads a browser): the
// system's Chromium, with the flags that give a page WebGL2 and a WebGPU adapter on SwiftShader where there is no GPU.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** INTERNIMAGE_CHROMIUM overrides it. */
export const CHROMIUM_PATH = process.env.INTERNIMAGE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/** Why Chromium cannot be launched here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `no Chromium at ${CHROMIUM_PATH} (install it, e.g. apt-get install -y chromium, or set INTERNIMAGE_CHROMIUM)`;
}

export async function launchBrowser(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('running in a browser needs the package playwright-core (npm install playwright-core)');
  }
  return playwright.chromium.launch({ executablePath: CHROMIUM_PATH, headless: false, args: [...CHROMIUM_FLAGS] });
}
