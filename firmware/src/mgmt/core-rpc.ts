// The core's own JSON-RPC methods, named like Kamailio's: core.version, core.uptime, core.memory
// (process and V8 heap, buffer pool) and stats.get_statistics (engine counters).
import { getHeapStatistics } from 'node:v8';
import type { BufferPool } from '../engine/alloc/pool';
import type { ProxyCore } from '../engine/proxy/core';
import type { SipStack } from '../engine/stack';
import type { TransactionTable } from '../engine/transaction/table';
import type { RpcMethod } from '../modules/module';

export interface CoreParts {
  version: string;
  startedAtMs: number;
  pool: BufferPool;
  stack: SipStack;
  table: TransactionTable;
  proxy: () => ProxyCore | null;
  metrics: () => Record<string, number>;
}

export function coreRpc(c: CoreParts): Record<string, RpcMethod> {
  return {
    'core.version': () => ({ version: c.version, node: process.version }),
    'core.uptime': () => ({ uptimeSec: Math.round((Date.now() - c.startedAtMs) / 1000), startedAt: new Date(c.startedAtMs).toISOString() }),
    'core.memory': () => {
      const m = process.memoryUsage();
      const h = getHeapStatistics();
      return {
        rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external,
        arrayBuffersBytes: m.arrayBuffers, heapLimitBytes: h.heap_size_limit, pool: c.pool.stats(),
      };
    },
    'stats.get_statistics': () => ({
      stack: c.stack.counters,
      transactions: { ...c.table.counters, active: c.table.size },
      proxy: c.proxy()?.counters ?? null,
      modules: c.metrics(),
    }),
  };
}
