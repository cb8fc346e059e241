// Two pages, so that the tests can navigate within the built site.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: { input: { main: 'index.html', about: 'about.html' } },
  },
  logLevel: 'warn',
});
