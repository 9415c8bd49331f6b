// Bundles the daemon into ONE file, dist/sipbox.js (platform node, target node18, minified, with a
// source map beside it) plus dist/meta.json (esbuild's metafile, read by the layering test).
// Plain .mjs: Node 18/20 cannot run a .ts build script without a loader we would have to add.
// CommonJS output so the file runs anywhere, with or without a package.json beside it.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const out = 'dist/sipbox.js';
mkdirSync('dist', { recursive: true });
const result = await build({
  entryPoints: ['firmware/src/main.ts'],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: process.env.SIPBOX_NO_MINIFY !== '1', // SIPBOX_NO_MINIFY=1 keeps names for profiles
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  banner: { js: '#!/usr/bin/env node' },
  define: { SIPBOX_VERSION: JSON.stringify(pkg.version) },
});
if (result.errors.length > 0 || result.warnings.length > 0) {
  console.error('build: esbuild reported problems; refusing to continue');
  process.exit(1);
}
// The repo's package.json says "type": "module"; this one keeps dist/ CommonJS.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
const bytes = statSync(out).size;
const gz = gzipSync(readFileSync(out)).length;
console.log(`build: ${out} ${(bytes / 1024).toFixed(1)} KiB (${(gz / 1024).toFixed(1)} KiB gzip)`);
