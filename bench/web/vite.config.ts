// The benchmark page: the web app's build settings (source conditions, COOP/COEP headers) for a page of its own.
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import app from '../../examples/web/vite.config.js';

export default mergeConfig(app, {
  root: fileURLToPath(new URL('./page', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('./dist', import.meta.url)) },
});
