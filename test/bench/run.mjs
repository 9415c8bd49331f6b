// `npm run bench`: bundles each test/bench/*.bench.ts with esbuild and runs it in its own Node
// process (with --expose-gc), one after the other, so that one benchmark's garbage and JIT state
// do not colour the next. Benchmarks print figures; they never assert a timing.
// usage: npm run bench [-- NAME ...]   (NAME = file name without .bench.ts)
import { build } from 'esbuild';
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')));
if (files.length === 0) { console.error(`bench: nothing matches ${wanted.join(' ')}`); process.exit(2); }
const out = mkdtempSync(join(tmpdir(), 'sipbox-bench-'));
let failed = 0;
for (const f of files) {
  const outfile = join(out, f.replace('.ts', '.mjs'));
  // Each module keeps its own import.meta.url (the source file's), so paths relative to the
  // sources (dist/, the SIPp scenarios) still resolve from the bundle in /tmp.
  const keepUrl = { name: 'keep-url', setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (a) => ({ loader: 'ts', contents: (await readFile(a.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)) }));
  } };
  await build({ entryPoints: [join(here, f)], outfile, bundle: true, platform: 'node', target: 'node18', format: 'esm',
    logLevel: 'warning', plugins: [keepUrl], banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  console.log(`\n== ${f.replace('.bench.ts', '')}`);
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', cwd: process.cwd() });
  if (r.status !== 0) { failed++; console.log(`bench ${f} exited with ${r.status}`); }
}
rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
