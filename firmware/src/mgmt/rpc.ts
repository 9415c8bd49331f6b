// A JSON-RPC 2.0 dispatcher (jsonrpc.org/specification): one request text in, one response text
// out (null for a notification), over a table of methods named like Kamailio's ('ul.dump').
// Batches run in order. Any transport carries it: ctl.ts (unix socket) today.
import type { RpcMethod } from '../modules/module';

export type { RpcMethod } from '../modules/module';

/** Error codes of JSON-RPC 2.0 §5.1. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
/** The "server error" range's first code: what a method's thrown Error becomes. */
export const RPC_SERVER_ERROR = -32000;

export type RpcId = string | number | null;
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export type RpcResponse =
  | { jsonrpc: '2.0'; id: RpcId; result: unknown }
  | { jsonrpc: '2.0'; id: RpcId; error: RpcErrorObject };

/**
 * An Error a method throws to choose its code (e.g. RPC_INVALID_PARAMS with `{ field }`). The
 * dispatcher reads the two fields, not the class, so layers below mgmt/ (store/) throw their own
 * Error carrying `rpcCode` and `rpcData` without importing this file.
 */
export class RpcError extends Error {
  constructor(readonly rpcCode: number, message: string, readonly rpcData?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const errorResponse = (id: RpcId, code: number, message: string, data?: unknown): RpcResponse =>
  ({ jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } });

/** A method may pick invalid params, a code of the server-error range (-32099..-32000) or one
 *  outside the range the spec reserves (-32768..-32000); the other reserved codes are not its own. */
function methodMayUse(code: number): boolean {
  return Number.isInteger(code) && (code === RPC_INVALID_PARAMS || code >= -32099 || code < -32768);
}

function thrownToError(id: RpcId, err: unknown): RpcResponse {
  if (err instanceof Error) {
    const { rpcCode, rpcData } = err as Error & { rpcCode?: unknown; rpcData?: unknown };
    const code = typeof rpcCode === 'number' && methodMayUse(rpcCode) ? rpcCode : RPC_SERVER_ERROR;
    return errorResponse(id, code, err.message, rpcData);
  }
  return errorResponse(id, RPC_SERVER_ERROR, String(err));
}

/** Handles one parsed request object; null for a notification (a request without an id). */
export async function handleRequest(methods: Readonly<Record<string, RpcMethod>>, req: unknown): Promise<RpcResponse | null> {
  if (!isObject(req)) return errorResponse(null, RPC_INVALID_REQUEST, 'Invalid Request: expected an object');
  const hasId = Object.prototype.hasOwnProperty.call(req, 'id');
  const rawId = req.id;
  const idOk = !hasId || rawId === null || typeof rawId === 'string' || (typeof rawId === 'number' && Number.isFinite(rawId));
  if (!idOk) return errorResponse(null, RPC_INVALID_REQUEST, 'Invalid Request: id must be a string, a number or null');
  const id = hasId ? (rawId as RpcId) : null;
  if (req.jsonrpc !== '2.0') return errorResponse(id, RPC_INVALID_REQUEST, 'Invalid Request: jsonrpc must be "2.0"');
  if (typeof req.method !== 'string') return errorResponse(id, RPC_INVALID_REQUEST, 'Invalid Request: method must be a string');
  const name = req.method;
  const method = Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
  let response: RpcResponse;
  if (typeof method !== 'function') {
    response = errorResponse(id, RPC_METHOD_NOT_FOUND, `Method not found: ${name}`);
  } else if (req.params !== undefined && (typeof req.params !== 'object' || req.params === null)) {
    response = errorResponse(id, RPC_INVALID_PARAMS, 'Invalid params: params must be an object or an array');
  } else {
    try {
      const result = await method(req.params);
      response = { jsonrpc: '2.0', id, result: result === undefined ? null : result };
    } catch (err) {
      response = thrownToError(id, err);
    }
  }
  return hasId ? response : null;
}

function serialise(r: RpcResponse): string {
  try {
    return JSON.stringify(r);
  } catch (err) {
    return JSON.stringify(errorResponse(r.id, RPC_INTERNAL_ERROR, `Internal error: the result is not JSON (${(err as Error).message})`));
  }
}

/** One request text (a request or a batch) in, the response text out; null when nothing is owed
 *  (notifications only). Never throws. */
export async function dispatch(methods: Readonly<Record<string, RpcMethod>>, requestJson: string): Promise<string | null> {
  let req: unknown;
  try {
    req = JSON.parse(requestJson);
  } catch (err) {
    return serialise(errorResponse(null, RPC_PARSE_ERROR, `Parse error: ${(err as Error).message}`));
  }
  if (!Array.isArray(req)) {
    const r = await handleRequest(methods, req);
    return r === null ? null : serialise(r);
  }
  if (req.length === 0) return serialise(errorResponse(null, RPC_INVALID_REQUEST, 'Invalid Request: empty batch'));
  const parts: string[] = [];
  for (const one of req) {
    const r = await handleRequest(methods, one);
    if (r !== null) parts.push(serialise(r));
  }
  return parts.length === 0 ? null : `[${parts.join(',')}]`;
}
