// The page that `internimage check-fixtures --browser` opens: it runs a fixture folder (served over HTTP) on a backend
// in the page, exactly as the command does in Node.
import type { FixtureRunOptions, FixtureRunReport } from '../fixtures/run_cases.js';
import { runFixtureCases } from '../fixtures/run_cases.js';

declare global {
  var internimageCheck: { checkFixtures(options: FixtureRunOptions): Promise<FixtureRunReport> } | undefined;
}

globalThis.internimageCheck = { checkFixtures: runFixtureCases };
