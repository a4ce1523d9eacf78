import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Renderer bundle for both hosts: Electron loads out/renderer/index.html from disk, browser mode serves it.
// base './' keeps asset URLs relative (file:// in Electron, any path in browser mode).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
