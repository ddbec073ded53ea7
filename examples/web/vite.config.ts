// The web app's build and servers. Both the dev server and `vite preview` send the two headers that make the page
// cross-origin isolated, which is what lets the wasm backend share its memory with Web Workers (threads).
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the built site works from any folder of any static host.
  base: './',
  resolve: {
    // The workspace packages' TypeScript sources, as the tests use them: no `tsc -b` needed before a build.
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    headers: ISOLATION_HEADERS,
    fs: { allow: [repoRoot] },
  },
  preview: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    headers: ISOLATION_HEADERS,
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // The bundled checkpoint stays a separate file (fetched, cached), never inlined.
    assetsInlineLimit: (file) => (file.endsWith('.pth') || file.endsWith('.safetensors') ? false : undefined),
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      output: {
        // Checkpoints keep their name at the end (the input size is read from it: internimage_mnist_32.pth → 32).
        assetFileNames: (asset) => (/\.(pth|safetensors)$/.test(asset.names[0] ?? '') ? 'assets/[hash]-[name][extname]' : 'assets/[name]-[hash][extname]'),
      },
    },
  },
});
