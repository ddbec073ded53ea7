// TEMPORARY minimal launcher, to be replaced by the shared browser harness.
import { chromium } from 'playwright-core';
export const CHROMIUM = '/usr/bin/chromium';
export const launchChromium = () => chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'],
});
