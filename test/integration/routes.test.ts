// Routes and settings a user brings: `--routes FILE` (a compiled JS module, checked at start-up)
// and `--config FILE` (JSON, refused naming the line and the field).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE, startDaemon } from '../helpers/daemon';
import { sipText, statusLine, udpClient } from '../helpers/sip-client';

const dir = mkdtempSync(join(tmpdir(), 'sipbox-routes-'));
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
const start = (...args: string[]) => spawnSync(process.execPath, [BUNDLE, '--data', mkdtempSync(join(dir, 'd-')), '--sip-port', '0', '--bind', '127.0.0.1', ...args], { encoding: 'utf8', timeout: 10_000 });

async function ask(port: number, method: string, ruri: string): Promise<string | null> {
  const c = await udpClient(port);
  c.send(sipText([`${method} ${ruri} SIP/2.0`, 'Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bKr1', 'Max-Forwards: 70', 'From: <sip:x@127.0.0.1>;tag=1',
    'To: <sip:1000@127.0.0.1>', 'Call-ID: routes@test', `CSeq: 1 ${method}`, 'Content-Length: 0'], c.port));
  const r = await c.next();
  c.close();
  return r;
}

describe('--routes FILE', () => {
  it('runs a user route that wraps the default one', async () => {
    const routes = file('wrap.cjs', `
      exports.createRoutes = (base) => ({
        request(ctx) {
          if (ctx.method === 'MESSAGE') return { kind: 'reply', status: 488, reason: 'No Messages Here' };
          return base.request(ctx);
        },
        failure: base.failure,
      });`);
    const d = await startDaemon({ args: ['--routes', routes] });
    try {
      expect(statusLine(await ask(d.sipPort, 'MESSAGE', 'sip:1000@127.0.0.1'))).toBe('SIP/2.0 488 No Messages Here');
      expect(statusLine(await ask(d.sipPort, 'OPTIONS', 'sip:127.0.0.1'))).toBe('SIP/2.0 200 OK');
      expect(d.count(/^info core routes-loaded /)).toBe(1);
    } finally {
      await d.stop();
    }
  });

  it('answers 500 and logs one line when a route returns something that is no verdict', async () => {
    const routes = file('bad-verdict.mjs', `export const routes = { request: () => 42 };`);
    const d = await startDaemon({ args: ['--routes', routes] });
    try {
      expect(statusLine(await ask(d.sipPort, 'OPTIONS', 'sip:127.0.0.1'))).toBe('SIP/2.0 500 Server Internal Error');
      await d.waitFor(/^error route route-error hook=request .*not a verdict: 42/);
    } finally {
      await d.stop();
    }
  });

  it.each([
    ['no-request.cjs', 'exports.routes = { reply() {} };', /routes\.request must be a function/],
    ['typo.cjs', 'exports.routes = { request() {}, falure() {} };', /unknown hook 'falure'/],
    ['nothing.cjs', 'exports.x = 1;', /exports neither routes nor createRoutes/],
    ['syntax.cjs', 'exports.routes = {', /cannot load/],
  ])('refuses to start with %s, naming the file and the problem', (name, text, message) => {
    const p = file(name, text);
    const r = start('--routes', p);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error core routes-refused /);
    expect(r.stderr).toContain(name);
    expect(r.stderr).toMatch(message);
  });
});

describe('--config FILE', () => {
  it('refuses a file that is not JSON, naming line and column', () => {
    const r = start('--config', file('broken.json', '{\n  "auth": {\n    "algorithms": md5\n  }\n}\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/config-refused .*broken\.json: not valid JSON at line 3, column \d+/);
  });

  it('refuses a bad value, naming the field, its line and what it takes', () => {
    const r = start('--config', file('bad-value.json', '{\n  "route": { "ringTimeoutSec": 2 }\n}\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/config-refused .*at="line 2, column \d+" field=route\.ringTimeoutSec error="must be a whole number from 5 to 180, got 2"/);
  });

  it('checks the engine section: T2 may not be below T1', () => {
    const r = start('--config', file('timers.json', '{ "engine": { "t1Ms": 2000, "t2Ms": 1000 } }'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/field=engine\.t2Ms error="must be >= t1Ms \(2000\), got 1000"/);
  });

  it('starts with a smaller pool and faster timers from the engine section', async () => {
    const d = await startDaemon({ args: ['--config', file('small.json', '{ "engine": { "poolBudgetKiB": 256, "t1Ms": 200 } }')] });
    try {
      expect(statusLine(await ask(d.sipPort, 'OPTIONS', 'sip:127.0.0.1'))).toBe('SIP/2.0 200 OK');
    } finally {
      await d.stop();
    }
  });

  it('refuses an unknown module and an unknown setting', () => {
    expect(start('--config', file('mod.json', '{ "nosuch": {} }')).stderr).toMatch(/field=nosuch error="no module named 'nosuch'/);
    expect(start('--config', file('set.json', '{ "auth": { "algoritms": "md5" } }')).stderr).toMatch(/field=auth\.algoritms error="unknown setting/);
  });
});
