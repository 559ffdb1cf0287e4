// Renderer build. No React plugin: esbuild compiles TSX with the automatic JSX runtime, which is all we
// need (no fast-refresh in a back-office tool). base './' so the same bundle loads from file:// in
// Electron and from the browser-mode web server. No inline scripts (CSP script-src 'self').
import { defineConfig } from 'vite';
// eslint-disable-next-line no-restricted-imports -- build config runs under Node, it is not renderer code
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Keep the pdfjs worker a separate file (imported with ?url), never inlined as a data: URL.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        harness: fileURLToPath(new URL('./harness.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
});
