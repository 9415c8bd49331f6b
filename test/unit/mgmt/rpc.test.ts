// The JSON-RPC 2.0 dispatcher (jsonrpc.org/specification §4-§6): responses, notifications,
// batches and the error codes of §5.1.
import { describe, expect, it } from 'vitest';
import { dispatch, RpcError, type RpcMethod } from '../../../firmware/src/mgmt/rpc';

const methods: Record<string, RpcMethod> = {
  'core.echo': (p) => p,
  'core.sum': async (p) => (p as number[]).reduce((a, b) => a + b, 0),
  'core.nothing': () => undefined,
  'core.fail': () => { throw new Error('disk on fire'); },
  'core.bad': () => { throw new RpcError(-32602, 'number: must be digits', { field: 'number' }); },
  'core.app': () => { throw Object.assign(new Error('no such extension'), { rpcCode: -32001, rpcData: { field: 'number' } }); },
  'core.reserved': () => { throw Object.assign(new Error('pretends to be a parse error'), { rpcCode: -32700 }); },
  'core.string': () => { throw 'plain string'; },
  'core.bigint': () => 10n,
};
const call = async (req: unknown): Promise<unknown> => {
  const out = await dispatch(methods, typeof req === 'string' ? req : JSON.stringify(req));
  return out === null ? null : JSON.parse(out);
};

describe('dispatch', () => {
  it('answers a call with its result and id (§5)', async () => {
    expect(await call({ jsonrpc: '2.0', id: 7, method: 'core.echo', params: { a: 1 } })).toEqual({ jsonrpc: '2.0', id: 7, result: { a: 1 } });
    expect(await call({ jsonrpc: '2.0', id: 'x', method: 'core.sum', params: [1, 2, 3] })).toEqual({ jsonrpc: '2.0', id: 'x', result: 6 });
  });

  it('answers null as the result of a method that returns nothing (result is required)', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.nothing' })).toEqual({ jsonrpc: '2.0', id: 1, result: null });
  });

  it('answers a notification (no id) with nothing, even when it fails (§4.1)', async () => {
    expect(await dispatch(methods, JSON.stringify({ jsonrpc: '2.0', method: 'core.fail' }))).toBeNull();
    expect(await dispatch(methods, JSON.stringify({ jsonrpc: '2.0', method: 'no.such' }))).toBeNull();
  });

  it('answers -32700 with id null to text that is not JSON', async () => {
    expect(await call('{"jsonrpc": "2.0", "method"')).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it.each([
    [42, null, 'Invalid Request: expected an object'],
    [{ id: 1, method: 'core.echo' }, 1, 'Invalid Request: jsonrpc must be "2.0"'],
    [{ jsonrpc: '1.0', id: 1, method: 'core.echo' }, 1, 'Invalid Request: jsonrpc must be "2.0"'],
    [{ jsonrpc: '2.0', id: 1, method: 5 }, 1, 'Invalid Request: method must be a string'],
    [{ jsonrpc: '2.0', id: { a: 1 }, method: 'core.echo' }, null, 'Invalid Request: id must be a string, a number or null'],
  ])('answers -32600 to the invalid request %j', async (req, id, message) => {
    expect(await call(req)).toEqual({ jsonrpc: '2.0', id, error: { code: -32600, message } });
  });

  it('answers -32601 naming the method, also for names inherited from Object.prototype', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'ul.dump' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found: ul.dump' } });
    expect(await call({ jsonrpc: '2.0', id: 2, method: 'toString' })).toMatchObject({ error: { code: -32601, message: 'Method not found: toString' } });
    expect(await call({ jsonrpc: '2.0', id: 3, method: '__proto__' })).toMatchObject({ error: { code: -32601 } });
  });

  it('answers -32602 to params that are not an object or an array', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.echo', params: 5 })).toMatchObject({ error: { code: -32602 } });
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.echo', params: null })).toMatchObject({ error: { code: -32602 } });
  });

  it('answers -32000 with the message of an Error a method throws', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.fail' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'disk on fire' } });
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.string' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'plain string' } });
  });

  it('uses the code and data a method chose: -32602 and application codes, not other reserved ones', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.bad' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'number: must be digits', data: { field: 'number' } } });
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.app' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'no such extension', data: { field: 'number' } } });
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.reserved' })).toMatchObject({ error: { code: -32000 } });
  });

  it('answers -32603 when the result cannot be written as JSON', async () => {
    expect(await call({ jsonrpc: '2.0', id: 1, method: 'core.bigint' })).toMatchObject({ id: 1, error: { code: -32603 } });
  });

  it('answers a batch with an array of the calls\' answers, in order, leaving out notifications (§6)', async () => {
    expect(await call([
      { jsonrpc: '2.0', id: 1, method: 'core.sum', params: [1, 1] },
      { jsonrpc: '2.0', method: 'core.echo', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
      3,
    ])).toEqual([
      { jsonrpc: '2.0', id: 1, result: 2 },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found: nope' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: expected an object' } },
    ]);
    expect(await call([{ jsonrpc: '2.0', method: 'core.echo' }])).toBeNull();
    expect(await call([])).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: empty batch' } });
  });
});
