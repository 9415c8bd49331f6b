// The daemon's command line: bad flags are refused with a message and exit code 2; SIGTERM ends
// it cleanly (exit 0, a "stopped" line).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BUNDLE, requireBundle, startDaemon } from '../helpers/daemon';

const run = (...args: string[]) => {
  requireBundle();
  return spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 10_000 });
};

describe('command line', () => {
  it.each([
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--sip-port', '70000'], /--sip-port needs a port number 0-65535, got '70000'/],
    [['--http-port', 'abc'], /--http-port needs a port number/],
    [['--bind', 'example.com'], /--bind needs an IPv4 or IPv6 address/],
    [['--log-level', 'loud'], /--log-level must be one of error, warn, info, debug/],
    [['--data'], /--data needs a value/],
  ])('refuses %j with exit code 2 and names the flag', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: sipbox');
  });

  it('prints its version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^sipbox\/\d+\.\d+\.\d+\n$/);
  });

  it('shuts down cleanly on SIGTERM and on SIGINT', async () => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const d = await startDaemon();
      expect(await d.stop(sig), d.lines.join("\n")).toBe(0);
      expect(d.count(/^info core stopped /)).toBe(1);
    }
  });

  it('calls the running daemon with `ctl METHOD`, and says so when none runs', async () => {
    const d = await startDaemon();
    try {
      const ok = run('ctl', 'core.version', '--data', d.dataDir);
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
      const lookup = run('ctl', 'ul.lookup', '{"aor":"1001"}', '--data', d.dataDir);
      expect(JSON.parse(lookup.stdout)).toEqual({ aor: '1001', bindings: [] });
      const bad = run('ctl', 'no.such.method', '--data', d.dataDir);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/no\.such\.method/);
      expect(run('ctl', 'ul.lookup', '{not json', '--data', d.dataDir).status).toBe(2);
    } finally {
      await d.stop();
    }
    const none = run('ctl', 'core.version', '--data', d.dataDir);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/sipbox is not running/);
  });

  it('refuses to start when the SIP port is taken, and says so', async () => {
    const a = await startDaemon();
    const r = run('--sip-port', String(a.sipPort), '--bind', '127.0.0.1', '--data', a.dataDir);
    await a.stop();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error core listen-failed .*EADDRINUSE/);
  });
});
