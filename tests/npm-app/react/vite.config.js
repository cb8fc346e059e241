// A Vite + React + React Router single-page app. prepare.sh builds it with NODE_ENV=development:
// React's development build, the one in which <StrictMode> runs every effect twice, which the
// tests want to see consent-gate survive.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  logLevel: 'warn',
});
