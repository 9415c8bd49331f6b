// Settings of the SIP engine itself (the "engine" section of the settings file): the buffer
// pool's budget (size it to the board: e.g. 512 KiB on a 32 MiB box) and the RFC 3261 timers.
import { int } from './schema';

export const engineSettings = {
  poolBudgetKiB: int({ min: 128, max: 65536, default: 2048, doc: 'Memory preallocated for message buffers; beyond it buffers come from the heap (counted as pool misses)' }),
  maxTransactions: int({ min: 1000, max: 1_000_000, default: 30_000, doc: 'Server transactions alive at once; past it new requests get 503 with Retry-After (a flood cannot eat the memory)' }),
  t1Ms: int({ min: 50, max: 10_000, default: 500, doc: 'RFC 3261 T1, the round-trip estimate: first retransmission interval' }),
  t2Ms: int({ min: 500, max: 60_000, default: 4000, doc: 'RFC 3261 T2, the longest retransmission interval (must be >= t1Ms)' }),
  t4Ms: int({ min: 500, max: 60_000, default: 5000, doc: 'RFC 3261 T4, how long a message may stay in the network' }),
};
