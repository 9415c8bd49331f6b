// The bundle dist/sipbox.js on Debian bookworm's Node 18, the Node every sipbox board runs (the
// host runs Node 20): version, start-up, an OPTIONS over real UDP (RFC 3261 11.2), `ext add`, SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, requireBundle } from '../helpers/daemon';
import { node18Command } from '../helpers/node18';
import { sipText, statusLine, udpClient } from '../helpers/sip-client';

/** The first run downloads and extracts Debian's packages. */
const FETCH_TIMEOUT_MS = 300_000;
const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Node18 { cmd: string; env: Record<string, string> }
let node: Node18 | undefined;
let setupError: unknown;

// The error is kept and rethrown by every test: a failed beforeAll would leave them "skipped",
// and a Node 18 that cannot be had must count as failures.
beforeAll(() => {
  try {
    requireBundle();
    node = node18Command();
  } catch (err) {
    setupError = err;
  }
}, FETCH_TIMEOUT_MS);

function node18(): Node18 {
  if (node) return node;
  throw setupError;
}

const run18 = (...args: string[]) => {
  const { cmd, env } = node18();
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: READY_TIMEOUT_MS, env });
};

interface Running { proc: ChildProcess; lines: string[]; exit: Promise<number | string>; sipPort: number }

/** Starts the daemon with Node 18 and resolves once it prints `info core ready ... sipPort=N`. */
async function startDaemon18(dataDir: string): Promise<Running> {
  const { cmd, env } = node18();
  const proc = spawn(cmd, [BUNDLE, '--sip-port', '0', '--bind', '127.0.0.1', '--data', dataDir, '--log-level', 'debug', '--http-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'], env,
  });
  const lines: string[] = [];
  const exit = new Promise<number | string>((resolve) => proc.on('exit', (code, sig) => resolve(code ?? `signal ${sig}`)));
  const readyLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in ${READY_TIMEOUT_MS} ms:\n${lines.join('\n')}`)), READY_TIMEOUT_MS);
    void exit.then((code) => { clearTimeout(timer); reject(new Error(`daemon exited (${code}) before its ready line:\n${lines.join('\n')}`)); });
    const collect = (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) {
        lines.push(line);
        if (line.startsWith('info core ready ')) { clearTimeout(timer); resolve(line); }
      }
    };
    // Log lines are short and written whole; a line split across chunks would only delay the match.
    proc.stdout!.on('data', (b: Buffer) => collect(b.toString('utf8')));
    proc.stderr!.on('data', (b: Buffer) => collect(b.toString('utf8')));
  });
  let ready: string;
  try {
    ready = await readyLine;
  } catch (err) {
    // Nobody else holds the process yet: do not leave it running behind a failed start.
    proc.kill('SIGKILL');
    throw err;
  }
  const port = / sipPort=(\d+)/.exec(ready);
  if (!port) throw new Error(`ready line has no sipPort: ${ready}`);
  return { proc, lines, exit, sipPort: Number(port[1]) };
}

describe("the bundle on Debian's Node 18", () => {
  it('runs on Node 18, not on the host Node', () => {
    const r = run18('-p', 'process.version');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^v18\.\d+\.\d+\n$/);
  });

  it('prints sipbox/<package version> for --version', () => {
    const r = run18(BUNDLE, '--version');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`sipbox/${PACKAGE_VERSION}\n`);
  });

  // These run in order on one daemon, as a board would: start, serve, take a CLI change, stop.
  describe('the daemon', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipbox-node18-'));
    let daemon: Running | undefined;
    const running = (): Running => {
      if (!daemon) throw new Error('the daemon did not start (see the start-up test)');
      return daemon;
    };

    afterAll(async () => {
      const proc = daemon?.proc;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await daemon?.exit;
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts and prints its ready line with the SIP port it bound', async () => {
      daemon = await startDaemon18(dataDir);
      expect(daemon.sipPort).toBeGreaterThan(0);
      expect(daemon.lines.filter((l) => l.startsWith('error '))).toEqual([]);
    }, READY_TIMEOUT_MS + 5_000);

    it('answers an OPTIONS to itself over UDP with 200 OK (RFC 3261 11.2)', async () => {
      const c = await udpClient(running().sipPort);
      try {
        c.send(sipText([
          'OPTIONS sip:127.0.0.1 SIP/2.0',
          'Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bKnode18opt;rport',
          'Max-Forwards: 70',
          'From: <sip:tester@127.0.0.1>;tag=n18',
          'To: <sip:127.0.0.1>',
          'Call-ID: node18-options@test',
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
        ], c.port));
        const reply = await c.next(2000);
        expect(statusLine(reply)).toBe('SIP/2.0 200 OK');
        expect(reply).toContain('\r\nCall-ID: node18-options@test\r\n');
        expect(reply).toContain('\r\nCSeq: 1 OPTIONS\r\n');
      } finally {
        c.close();
      }
    });

    it('adds an extension with `ext add` while the daemon runs', () => {
      running();
      const add = run18(BUNDLE, 'ext', 'add', '1001', '--password', 'some-secret-1', '--data', dataDir);
      expect(add.stderr).toBe('');
      expect(add.status).toBe(0);
      expect(add.stdout).toMatch(/extension 1001\b/i);
      const list = run18(BUNDLE, 'ext', 'list', '--data', dataDir);
      expect(list.status).toBe(0);
      expect(list.stdout).toMatch(/^1001\b/m);
    });

    it('shuts down on SIGTERM with exit code 0 and a stopped line', async () => {
      const { proc, exit, lines } = running();
      proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((r) => { timer = setTimeout(() => r(`still running after ${EXIT_TIMEOUT_MS} ms`), EXIT_TIMEOUT_MS); });
      const code = await Promise.race([exit, late]);
      clearTimeout(timer);
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.filter((l) => l.startsWith('info core stopped '))).toHaveLength(1);
    });
  });
});
