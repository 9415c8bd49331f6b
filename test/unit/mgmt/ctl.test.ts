// The control socket over a real unix socket in a temp folder: calls and errors end to end, the
// socket's mode, stale and live socket files at start, the request size bound, the call timeout.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../firmware/src/log/logger';
import { ctlCall, CtlRpcError, ctlSocketPath, CtlUnavailableError, startCtlServer, type CtlServer } from '../../../firmware/src/mgmt/ctl';
import { RpcError, type RpcMethod } from '../../../firmware/src/mgmt/rpc';

const lines: string[] = [];
const log = createLogger('mgmt', 'debug', [{ write: (_l, line) => lines.push(line) }]);
const dirs: string[] = [];
const servers: CtlServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  lines.length = 0;
});
const socketPath = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sipbox-ctl-'));
  dirs.push(d);
  return ctlSocketPath(d);
};
const methods: Record<string, RpcMethod> = {
  'core.echo': (p) => p,
  'core.bad': () => { throw new RpcError(-32602, 'number: must be digits', { field: 'number' }); },
  'core.hang': () => new Promise(() => undefined),
};
const serve = async (path: string, table = methods): Promise<CtlServer> => {
  const s = await startCtlServer({ path, methods: table, log });
  servers.push(s);
  return s;
};
/** Sends raw bytes and collects what comes back until the server closes or `ms` pass. */
const raw = (path: string, send: string | Buffer, ms = 2000): Promise<{ text: string; closed: boolean }> =>
  new Promise((resolve) => {
    const sock = net.createConnection(path);
    let text = '';
    const t = setTimeout(() => { sock.destroy(); resolve({ text, closed: false }); }, ms);
    sock.on('data', (c) => { text += c.toString('utf8'); });
    // The server may close while we still send (the over-long line): EPIPE/ECONNRESET are expected.
    sock.on('error', () => undefined);
    sock.on('close', () => { clearTimeout(t); resolve({ text, closed: true }); });
    sock.write(send);
  });

describe('control socket', () => {
  it('carries a call and its result', async () => {
    const path = socketPath();
    await serve(path);
    expect(await ctlCall(path, 'core.echo', { n: [1, 'two'] })).toEqual({ n: [1, 'two'] });
  });

  it('rejects with CtlRpcError carrying the code, message and data of an error answer', async () => {
    const path = socketPath();
    await serve(path);
    const err = await ctlCall(path, 'core.bad', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CtlRpcError);
    expect(err).toMatchObject({ code: -32602, message: 'number: must be digits', data: { field: 'number' } });
    await expect(ctlCall(path, 'no.such', {})).rejects.toMatchObject({ code: -32601, message: 'Method not found: no.such' });
  });

  it('creates the socket with mode 0600 and removes it on close', async () => {
    const path = socketPath();
    const s = await serve(path);
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await s.close();
    expect(existsSync(path)).toBe(false);
  });

  it('says sipbox is not running when there is no socket', async () => {
    const path = socketPath();
    const err = await ctlCall(path, 'core.echo', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CtlUnavailableError);
    expect((err as Error).message).toBe(`sipbox is not running (no control socket at ${path})`);
  });

  it('replaces a stale socket left by a killed daemon, and says sipbox is not running meanwhile', async () => {
    const path = socketPath();
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    expect(statSync(path).isSocket()).toBe(true);
    await expect(ctlCall(path, 'core.echo', {})).rejects.toBeInstanceOf(CtlUnavailableError);
    await serve(path);
    expect(lines).toContain(`warn mgmt removed-stale-socket path=${path}`);
    expect(await ctlCall(path, 'core.echo', [1])).toEqual([1]);
  });

  it('refuses to start while another server answers on the socket, leaving it working', async () => {
    const path = socketPath();
    await serve(path);
    await expect(startCtlServer({ path, methods, log })).rejects.toThrow(`another sipbox is running: its control socket ${path} answers`);
    expect(await ctlCall(path, 'core.echo', ['still'])).toEqual(['still']);
  });

  it('refuses to replace a path that is not a socket', async () => {
    const path = socketPath();
    writeFileSync(path, 'user data');
    await expect(startCtlServer({ path, methods, log })).rejects.toThrow(`${path} exists and is not a socket`);
  });

  it('answers several requests on one connection in order, and none for a notification', async () => {
    const path = socketPath();
    await serve(path);
    const reqs = [
      { jsonrpc: '2.0', id: 1, method: 'core.echo', params: ['a'] },
      { jsonrpc: '2.0', method: 'core.echo', params: ['notified'] },
      { jsonrpc: '2.0', id: 2, method: 'core.echo', params: ['b'] },
    ];
    const all = reqs.map((r) => JSON.stringify(r) + '\n').join('');
    const { text } = await raw(path, all, 300);
    expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual([
      { jsonrpc: '2.0', id: 1, result: ['a'] },
      { jsonrpc: '2.0', id: 2, result: ['b'] },
    ]);
  });

  it('reassembles a request that arrives in pieces', async () => {
    const path = socketPath();
    await serve(path);
    const text = await new Promise<string>((resolve) => {
      const sock = net.createConnection(path);
      sock.on('data', (c) => { resolve(c.toString('utf8')); sock.destroy(); });
      const line = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'core.echo', params: ['x'] }) + '\n';
      sock.write(line.slice(0, 10));
      setTimeout(() => sock.write(line.slice(10)), 50);
    });
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 9, result: ['x'] });
  });

  it('closes the connection on a request line over 1 MiB, with an invalid-request answer', async () => {
    const path = socketPath();
    await serve(path);
    const { text, closed } = await raw(path, Buffer.alloc(1024 * 1024 + 10, 0x61));
    expect(closed).toBe(true);
    expect(JSON.parse(text.trim())).toMatchObject({ id: null, error: { code: -32600 } });
    expect(lines.some((l) => l.startsWith('warn mgmt line-too-long '))).toBe(true);
    expect(await ctlCall(path, 'core.echo', ['fine'])).toEqual(['fine']); // the server itself carries on
  });

  it('carries a request just under the limit', async () => {
    const path = socketPath();
    await serve(path);
    const big = 'x'.repeat(1024 * 1024 - 100);
    expect(await ctlCall(path, 'core.echo', [big])).toEqual([big]);
  });

  it('rejects a call that gets no answer within the timeout, saying so', async () => {
    const path = socketPath();
    await serve(path);
    await expect(ctlCall(path, 'core.hang', {}, 100)).rejects.toThrow(`sipbox did not answer core.hang within 100 ms (control socket ${path})`);
  });

  it('ends open connections on close', async () => {
    const path = socketPath();
    const s = await serve(path);
    const pending = ctlCall(path, 'core.hang', {}, 5000);
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    await expect(pending).rejects.toThrow(/closed the control connection without answering core.hang/);
  });
});
