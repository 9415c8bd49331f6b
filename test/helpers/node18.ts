// Debian bookworm's own Node 18 (the Node every sipbox board runs) beside the host's Node 20, taken
// from Debian's package registry only: `apt-get download` + `dpkg-deb -x` into a cache folder.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** Where the extracted packages live: outside the repo, kept across runs (delete it to refetch). */
export const NODE18_DIR = process.getuid?.() === 0
  ? '/var/cache/sipbox-test/node18'
  : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sipbox-test', 'node18');

const WRAPPER = join(NODE18_DIR, 'node18');
const ROOT = join(NODE18_DIR, 'root');
/** Node 18's shared-library ABI: Debian ships its runtime as libnode108. */
const LIBNODE_SONAME = 'libnode.so.108';
/** Debian's closure is about eight packages; more means a dependency walk gone wrong. */
const MAX_PACKAGES = 30;
const APT_TIMEOUT_MS = 240_000;
const TOOL_TIMEOUT_MS = 60_000;

let cached: string | undefined;
let aptUpdated = false;
let lastProbeError = '';

/**
 * The path of a runnable Debian Node 18 (a small script that starts it: run it like `node`).
 * Fetched and extracted on the first call as root, then cached; throws, never skips, when it
 * cannot be had.
 */
export function ensureNode18(): string {
  if (cached) return cached;
  if (existsSync(WRAPPER)) {
    if (probeVersion() !== null) return (cached = WRAPPER);
    // A half-made or stale cache (a host change, an interrupted run): build it afresh once.
    rmSync(NODE18_DIR, { recursive: true, force: true });
  }
  install();
  const version = probeVersion();
  if (version === null) throw new Error(`node18: the freshly extracted Node in ${NODE18_DIR} does not run: ${lastProbeError}`);
  return (cached = WRAPPER);
}

/**
 * How to start Debian's Node 18: the command and the environment for it. NODE_OPTIONS is left out
 * because the test runner's Node 20 may put flags there that Node 18 refuses.
 */
export function node18Command(): { cmd: string; env: Record<string, string> } {
  const cmd = ensureNode18();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS') env[k] = v;
  return { cmd, env };
}

/** `process.version` of the cached Node when it starts and is 18.x, else null (reason kept). */
function probeVersion(): string | null {
  const r = spawnSync(WRAPPER, ['-p', 'process.version'], { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS });
  const out = (r.stdout ?? '').trim();
  if (r.status === 0 && /^v18\.\d+\.\d+$/.test(out)) return out;
  lastProbeError = `exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}: ${out} ${(r.stderr ?? '').slice(0, 2000)}`;
  return null;
}

function install(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`node18: ${WRAPPER} is missing and only root can fetch it (apt-get download) and run it (a private mount namespace); run the tests as root`);
  }
  for (const tool of ['apt-get', 'apt-cache', 'dpkg-deb', 'dpkg-query', 'ldd', 'unshare', 'mount']) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`node18: needs ${tool} on the host (Debian's apt, dpkg, util-linux, mount)`);
  }
  if (/[':,\s]/.test(NODE18_DIR)) throw new Error(`node18: cache path ${NODE18_DIR} must not contain quotes, colons, commas or spaces`);
  mkdirSync(dirname(NODE18_DIR), { recursive: true });
  // Built aside and renamed into place, so an interrupted or concurrent run never leaves half a tree.
  const work = mkdtempSync(`${NODE18_DIR}.tmp-`);
  chmodSync(work, 0o755);
  try {
    const version = debianNode18Version();
    fetchClosure(version, work);
    checkSharedLibraries(join(work, 'root'));
    writeFileSync(join(work, 'VERSION'), `nodejs ${version} (Debian)\n`);
    writeWrapper(join(work, 'node18'), version);
    try {
      renameSync(work, NODE18_DIR);
    } catch (err) {
      // Another run finished first: its tree is as good as ours.
      if (!existsSync(WRAPPER)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Debian's newest nodejs 18.x known to apt (bookworm's, whatever origin the host's node 20 has). */
function debianNode18Version(): string {
  for (;;) {
    const r = run('apt-cache', ['madison', 'nodejs']);
    // Lines read `nodejs | 18.20.4+dfsg-1~deb12u3 | http://... bookworm-security/main amd64 Packages`, newest first.
    for (const line of r.stdout.split('\n')) {
      const version = line.split('|')[1]?.trim() ?? '';
      if (version.startsWith('18.') && !version.includes('nodesource')) return version;
    }
    if (aptUpdated) throw new Error(`node18: apt knows no Debian nodejs 18.x (apt-cache madison nodejs):\n${r.stdout}${r.stderr}`);
    aptUpdate();
  }
}

function aptUpdate(): void {
  aptUpdated = true;
  const r = run('apt-get', ['update', '-qq'], APT_TIMEOUT_MS);
  if (r.status !== 0) throw new Error(`node18: apt-get update failed (exit ${r.status}):\n${r.stderr}`);
}

interface Wanted { name: string; version?: string }

/**
 * Downloads nodejs=<version> and whatever its Depends name (walked level by level) that the host
 * has not installed, and extracts them all into <work>/root. That is libnode108, the libraries the
 * host lacks (libc-ares2 here) and the JS files Debian's Node loads from /usr/share/nodejs.
 */
function fetchClosure(version: string, work: string): void {
  const debs = join(work, 'debs');
  const root = join(work, 'root');
  mkdirSync(debs);
  mkdirSync(root);
  const seen = new Set<string>(['nodejs']);
  let level: Wanted[] = [{ name: 'nodejs', version }];
  while (level.length > 0) {
    if (seen.size > MAX_PACKAGES) throw new Error(`node18: more than ${MAX_PACKAGES} packages to fetch: ${[...seen].join(' ')}`);
    const before = new Set(readdirSync(debs));
    aptDownload(level.map((w) => (w.version ? `${w.name}=${w.version}` : w.name)), debs);
    const next: Wanted[] = [];
    for (const file of readdirSync(debs).filter((f) => !before.has(f))) {
      const deb = join(debs, file);
      const x = run('dpkg-deb', ['-x', deb, root]);
      if (x.status !== 0) throw new Error(`node18: dpkg-deb -x ${file} failed (exit ${x.status}):\n${x.stderr}`);
      for (const w of missingDepends(run('dpkg-deb', ['-f', deb, 'Depends']).stdout)) {
        if (!seen.has(w.name)) { seen.add(w.name); next.push(w); }
      }
    }
    level = next;
  }
  rmSync(debs, { recursive: true, force: true });
}

function aptDownload(specs: string[], into: string): void {
  // The sandbox user _apt cannot write into a root-owned temp folder; we are root anyway.
  const args = ['download', '-q', '-o', 'APT::Sandbox::User=root', ...specs];
  let r = spawnSync('apt-get', args, { cwd: into, encoding: 'utf8', timeout: APT_TIMEOUT_MS });
  if (r.status !== 0 && !aptUpdated) {
    // Stale package lists name files the registry no longer has: refresh once and try again.
    aptUpdate();
    r = spawnSync('apt-get', args, { cwd: into, encoding: 'utf8', timeout: APT_TIMEOUT_MS });
  }
  if (r.status !== 0) throw new Error(`node18: apt-get download ${specs.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
}

/** The entries of a Depends field with no alternative installed on the host, `(= v)` pinned. */
function missingDepends(depends: string): Wanted[] {
  const out: Wanted[] = [];
  for (const group of depends.split(',').map((g) => g.trim()).filter(Boolean)) {
    const alternatives = group.split('|').map((alt) => {
      const [nameArch, ...rest] = alt.trim().split(' ');
      const pin = /^\(= ([^)]+)\)$/.exec(rest.join(' ').trim());
      return { name: nameArch.split(':')[0], version: pin?.[1] };
    });
    if (alternatives.some((a) => installedOnHost(a.name))) continue;
    out.push(alternatives[0]);
  }
  return out;
}

function installedOnHost(name: string): boolean {
  const r = run('dpkg-query', ['-W', '-f=${Status}', name]);
  return r.status === 0 && r.stdout.trim() === 'install ok installed';
}

function libraryDir(root: string): string {
  const lib = join(root, 'usr', 'lib');
  for (const d of readdirSync(lib)) if (existsSync(join(lib, d, LIBNODE_SONAME))) return join(lib, d);
  throw new Error(`node18: ${LIBNODE_SONAME} is not under ${lib} after extracting libnode108`);
}

/** Every shared library Debian's node needs resolves, from the host or from the extracted set. */
function checkSharedLibraries(root: string): void {
  const r = spawnSync('ldd', [join(root, 'usr', 'bin', 'node')], {
    encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, env: { ...process.env, LD_LIBRARY_PATH: libraryDir(root) },
  });
  const missing = r.stdout.split('\n').filter((l) => l.includes('not found')).map((l) => l.trim());
  if (r.status !== 0 || missing.length > 0) throw new Error(`node18: shared libraries not found for Debian's node: ${missing.join('; ') || r.stderr}`);
}

/**
 * Debian builds its Node with acorn, cjs-module-lexer and undici read at start from fixed paths
 * under /usr/share/nodejs, and aborts when they are absent. So the script lays the extracted
 * /usr/share over the host's in a private mount namespace (gone when node exits; the host is not
 * touched) and execs node in place, so signals sent to the script's pid reach node itself.
 */
function writeWrapper(path: string, version: string): void {
  const extracted = join(dirname(path), 'root');
  const libDir = join(ROOT, relative(extracted, libraryDir(extracted)));
  const script = [
    '#!/bin/sh',
    `# Debian's nodejs ${version}, extracted from Debian's packages by test/helpers/node18.ts.`,
    '# Delete this folder to fetch it again.',
    `exec unshare --mount --propagation private /bin/sh -c '`,
    `  mount -t overlay sipbox-node18 -o ro,lowerdir="$1/usr/share:/usr/share" /usr/share || exit 126`,
    `  LD_LIBRARY_PATH="$2"; export LD_LIBRARY_PATH`,
    `  node="$1/usr/bin/node"; shift 2`,
    `  exec "$node" "$@"' sipbox-node18 '${ROOT}' '${libDir}' "$@"`,
    '',
  ].join('\n');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
}

function run(cmd: string, args: string[], timeoutMs = TOOL_TIMEOUT_MS): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw new Error(`node18: ${cmd} ${args.join(' ')} could not run: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
