// Vite build of the dashboard: bundles the shared TypeScript source and proxies the API and socket in dev.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const sharedEntry = new URL('../shared/src/index.ts', import.meta.url).pathname;
// PUMPWATCH_API_URL points the dev proxy at another server (default: the one `npm start` runs).
const server = process.env.PUMPWATCH_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@pumpwatch/shared': sharedEntry } },
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: true },
      '/socket.io': { target: server, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    // The shared domain is pure (no side effects at import): schemas and rules a page does not use stay out of its chunk.
    rollupOptions: { treeshake: { moduleSideEffects: (id: string) => !id.includes('/shared/src/') } },
  },
});
