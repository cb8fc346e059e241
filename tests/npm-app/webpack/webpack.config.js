// A plain webpack 5 site. consent-gate needs no rule of its own: webpack turns the module's
// `new URL('./consent_gate_bg.wasm', import.meta.url)` into an emitted asset by itself. The one
// addition is for the stylesheet import: webpack's built-in CSS support (`experiments.css`), which
// emits it as a .css file (no injected <style>, so no `style-src 'unsafe-inline'`). The public
// path is set at run time from the page's origin (src/public-path.js), not left to 'auto'.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default {
  mode: 'production',
  context: here,
  entry: { main: './src/main.js' },
  output: { path: join(here, 'dist'), filename: '[name].js', assetModuleFilename: '[name]-[contenthash:8][ext]', clean: true },
  experiments: { css: true },
  infrastructureLogging: { level: 'warn' },
  stats: 'errors-warnings',
};
