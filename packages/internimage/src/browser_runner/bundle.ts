// Bundles a page script for the browser with esbuild (an optional peer dependency): the packages' `browser` sides, or
// their TypeScript sources when this runs from source (tsx with --conditions=source).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/** Writes `<outDir>/<name>.js` (an ES module) and `<outDir>/index.html` loading it; returns the script's file name. */
export async function bundlePage(entry: string, outDir: string, name = 'page'): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('bundling a page needs the package esbuild (npm install esbuild)');
  }
  await esbuild.build({
    entryPoints: { [name]: entry }, outdir: outDir, bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
    conditions: RUNNING_FROM_SOURCE ? ['source'] : [], sourcemap: 'linked', logLevel: 'warning',
  });
  writeFileSync(join(outDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>internimage</title><link rel="icon" href="data:,"><script type="module" src="./${name}.js"></script>\n`);
  return `${name}.js`;
}
