// The control socket `<dataDir>/sipbox.ctl`: newline-delimited JSON-RPC 2.0 (rpc.ts) over a unix
// socket, mode 0600. The daemon serves it (startCtlServer); `sipbox ext ...` calls it (ctlCall).
import { lstat, chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../log/logger';
import { dispatch, type RpcMethod } from './rpc';

export const CTL_SOCKET_NAME = 'sipbox.ctl';
export const ctlSocketPath = (dataDir: string): string => join(dataDir, CTL_SOCKET_NAME);

/** A request line longer than this closes the connection (bounded memory per client). */
export const CTL_MAX_LINE_BYTES = 1024 * 1024;
/** Answers may be larger (a list of every binding), but not without end. */
export const CTL_MAX_ANSWER_BYTES = 64 * 1024 * 1024;
export const CTL_MAX_CONNECTIONS = 16;
export const CTL_IDLE_TIMEOUT_MS = 60_000;
export const CTL_CALL_TIMEOUT_MS = 5_000;
const SOCKET_MODE = 0o600;
const NEWLINE = 0x0a;

export interface CtlServerOptions {
  path: string;
  methods: Readonly<Record<string, RpcMethod>>;
  log: Logger;
}

export interface CtlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** The daemon could not be reached at all: nobody listens on the socket (the CLI then edits the
 *  data file itself). Any other failure (a timeout, a refusal) is a plain Error. */
export class CtlUnavailableError extends Error {
  constructor(readonly path: string) {
    super(`sipbox is not running (no control socket at ${path})`);
    this.name = 'CtlUnavailableError';
  }
}

/** The daemon answered with a JSON-RPC error. */
export class CtlRpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'CtlRpcError';
  }
}

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/** Whether something accepts connections on `path` (false: nobody, the file is a leftover). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(path);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', (err) => {
      const code = errCode(err);
      if (code === 'ECONNREFUSED' || code === 'ENOENT') resolve(false);
      else reject(new Error(`control socket ${path}: ${err.message}`));
    });
  });
}

/** A socket file left by a daemon that died without closing is removed; a live one refuses start. */
async function removeStaleSocket(path: string, log: Logger): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if (errCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; move it away`);
  if (await socketAnswers(path)) throw new Error(`another sipbox is running: its control socket ${path} answers`);
  await unlink(path);
  log.warn('removed-stale-socket', { path });
}

/** Serves one client: requests one per line, answered one per line, in order. */
function serveConnection(sock: net.Socket, methods: Readonly<Record<string, RpcMethod>>, log: Logger): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let queue: Promise<void> = Promise.resolve();
  let refused = false;
  sock.setTimeout(CTL_IDLE_TIMEOUT_MS, () => sock.destroy());
  sock.on('error', (err) => log.debug('connection-error', { error: err.message }));

  const refuseTooLong = (): void => {
    refused = true;
    log.warn('line-too-long', { maxBytes: CTL_MAX_LINE_BYTES });
    sock.pause();
    const answer = { jsonrpc: '2.0', id: null, error: { code: -32600, message: `Invalid Request: a request line is limited to ${CTL_MAX_LINE_BYTES} bytes` } };
    sock.end(JSON.stringify(answer) + '\n', () => sock.destroy());
  };
  const run = (line: string): void => {
    queue = queue
      .then(() => dispatch(methods, line))
      .then((answer) => {
        if (answer !== null && !sock.destroyed && sock.writable) sock.write(answer + '\n');
      });
  };

  sock.on('data', (chunk: Buffer) => {
    if (refused) return;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (pendingBytes + piece.length > CTL_MAX_LINE_BYTES) return refuseTooLong();
      const line = pendingBytes === 0 ? piece.toString('utf8') : Buffer.concat([...pending, piece]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      if (line.trim() !== '') run(line);
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > CTL_MAX_LINE_BYTES) return refuseTooLong();
      pending.push(chunk.subarray(start));
    }
  });
}

/** Listens on `path` (a stale socket file is replaced; a live one refuses), mode 0600. */
export async function startCtlServer(opts: CtlServerOptions): Promise<CtlServer> {
  const { path, methods, log } = opts;
  await removeStaleSocket(path, log);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    serveConnection(sock, methods, log);
  });
  server.maxConnections = CTL_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot listen on control socket ${path}: ${err.message}`)));
    server.listen(path, () => resolve());
  });
  server.on('error', (err) => log.error('server-error', { path, error: err.message }));
  // Until this chmod the mode is 0777 & ~umask; connecting needs write permission, which the usual
  // umask (022) leaves to the owner alone, and the data folder itself is 0700.
  await chmod(path, SOCKET_MODE);
  log.info('listening', { path });
  let closing: Promise<void> | null = null;
  return {
    path,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // server.close() unlinks the socket file once the listener is down.
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

function parseAnswer(path: string, method: string, line: string): { ok: true; result: unknown } | { ok: false; err: Error } {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch (err) {
    return { ok: false, err: new Error(`bad answer from sipbox on ${path} to ${method}: ${(err as Error).message}`) };
  }
  if (typeof msg !== 'object' || msg === null) return { ok: false, err: new Error(`bad answer from sipbox on ${path} to ${method}: not an object`) };
  const m = msg as { error?: { code?: unknown; message?: unknown; data?: unknown }; result?: unknown };
  if (m.error !== undefined) {
    const code = typeof m.error.code === 'number' ? m.error.code : -32603;
    const text = typeof m.error.message === 'string' ? m.error.message : 'unknown error';
    return { ok: false, err: new CtlRpcError(code, text, m.error.data) };
  }
  return { ok: true, result: m.result };
}

/**
 * Calls `method` on the daemon behind the control socket `path`. Rejects with CtlUnavailableError
 * when nobody listens, CtlRpcError when the method failed, an Error on a timeout or a bad answer.
 */
export function ctlCall(path: string, method: string, params: unknown, timeoutMs: number = CTL_CALL_TIMEOUT_MS): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const sock = net.createConnection(path);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (err: Error | null, result?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(result);
    };
    const timer = setTimeout(() => finish(new Error(`sipbox did not answer ${method} within ${timeoutMs} ms (control socket ${path})`)), timeoutMs);

    sock.once('connect', () => {
      sock.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) + '\n');
    });
    sock.on('data', (chunk: Buffer) => {
      const nl = chunk.indexOf(NEWLINE);
      const piece = nl === -1 ? chunk : chunk.subarray(0, nl);
      bytes += piece.length;
      if (bytes > CTL_MAX_ANSWER_BYTES) return finish(new Error(`answer from sipbox on ${path} exceeds ${CTL_MAX_ANSWER_BYTES} bytes`));
      chunks.push(piece);
      if (nl === -1) return;
      const r = parseAnswer(path, method, Buffer.concat(chunks).toString('utf8'));
      if (r.ok) finish(null, r.result);
      else finish(r.err);
    });
    sock.on('error', (err) => {
      const code = errCode(err);
      if (code === 'ENOENT' || code === 'ECONNREFUSED') finish(new CtlUnavailableError(path));
      else if (code === 'EACCES') finish(new Error(`cannot use the control socket ${path}: permission denied (run as the user sipbox runs as)`));
      else finish(new Error(`control socket ${path}: ${err.message}`));
    });
    sock.on('close', () => finish(new Error(`sipbox closed the control connection without answering ${method} (${path})`)));
  });
}
