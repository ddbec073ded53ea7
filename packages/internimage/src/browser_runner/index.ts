// Node-only tools for running pages in headless Chromium (the `internimage/browser-runner` entry): used by
// `internimage check-fixtures --browser` and by tests and benchmarks that run in a browser.
export { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumMissing, launchBrowser } from './chromium.js';
export type { ServeOptions, StaticServer } from './static_server.js';
export { serveStatic } from './static_server.js';
export { RUNNING_FROM_SOURCE, bundlePage } from './bundle.js';
export { runFixtureCasesInBrowser } from './check_fixtures.js';
