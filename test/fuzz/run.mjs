// `npm run fuzz -- --count N --seed S [--from F] [--calls C] [--keep-going]`: bundles test/fuzz/cli.ts with
// esbuild into a temp .mjs (as test/bench/run.mjs does) and runs the fuzz campaign in its own Node
// process, longer than `npm test` does. Failures are saved under test/fuzz/crashers/.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sipbox-fuzz-run-'));
const outfile = join(out, 'fuzz.mjs');
// Each module keeps its own import.meta.url (the source file's), so dist/ and crashers/ still
// resolve from the bundle in /tmp.
const keepUrl = { name: 'keep-url', setup(b) {
  b.onLoad({ filter: /\.ts$/ }, async (a) => ({ loader: 'ts', contents: (await readFile(a.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(a.path).href)) }));
} };
let status = 1;
try {
  await build({ entryPoints: [join(here, 'cli.ts')], outfile, bundle: true, platform: 'node', target: 'node18', format: 'esm',
    logLevel: 'warning', plugins: [keepUrl], banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  status = r.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(status);
