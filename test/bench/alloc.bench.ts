// Allocations and GC per 100,000 forwarded messages: the engine's path (lazy parse, edit list,
// applied once into a pooled buffer) against a naive one (the message as a string, split into
// lines, edited, joined and turned back into a Buffer with Buffer.from, as many Node SIP libraries
// do). Both do the same proxy hop: add a Via, decrement Max-Forwards, add a Record-Route.
import { PerformanceObserver } from 'node:perf_hooks';
import { BufferPool } from '../../firmware/src/engine/alloc/pool';
import { EditList } from '../../firmware/src/engine/sip/edits';
import { addTopVia, insertHeader, setMaxForwards } from '../../firmware/src/engine/sip/message-edits';
import { parseMessage } from '../../firmware/src/engine/sip/message';
import { INVITE } from './lib/messages';

const N = 100_000;
const VIA = 'SIP/2.0/UDP 192.168.1.1:5060;branch=z9hG4bKsb.0a1b2c3d4e5f60718293';
const RR = 'Record-Route: <sip:192.168.1.1;lr>\r\n';
const received = Buffer.from(INVITE, 'latin1');

let gcCount = 0;
let gcMs = 0;
const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) { gcCount++; gcMs += e.duration; } });
obs.observe({ entryTypes: ['gc'] });
const tick = () => new Promise((r) => setImmediate(r));

const pool = new BufferPool();
const edits = new EditList();
let sink = 0;
function pooled(): void {
  const m = parseMessage(received, 0, received.length);
  if (!m.ok) throw new Error(m.reason);
  edits.reset(m);
  addTopVia(edits, m, VIA);
  setMaxForwards(edits, m, m.maxForwards() - 1);
  insertHeader(edits, m, RR);
  const c = pool.acquire(edits.resultLength());
  sink += edits.apply(c.buf, 0);
  pool.release(c);
}

let naiveBuffers = 0;
function naive(): void {
  const text = received.toString('latin1');
  const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  const lines = head.split('\r\n');
  const out = [lines[0], `Via: ${VIA}`, RR.trimEnd()];
  for (const l of lines.slice(1)) {
    if (/^max-forwards\s*:/i.test(l)) out.push(`Max-Forwards: ${Number(l.split(':')[1]) - 1}`);
    else out.push(l);
  }
  const buf = Buffer.concat([Buffer.from(out.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.from(body, 'latin1')]);
  naiveBuffers += 3;
  sink += buf.length;
}

async function measure(name: string, fn: () => void): Promise<void> {
  for (let i = 0; i < 10_000; i++) fn(); // warm-up
  naiveBuffers = 0;
  global.gc?.();
  await tick();
  gcCount = 0; gcMs = 0;
  const ext0 = process.memoryUsage().arrayBuffers;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0);
  await tick(); await tick(); // let the observer deliver
  const ext1 = process.memoryUsage().arrayBuffers;
  console.log(`${name.padEnd(7)} ${(N / (ns / 1e9)).toFixed(0).padStart(9)} msg/s   gc runs ${String(gcCount).padStart(4)}   gc ${gcMs.toFixed(1).padStart(6)} ms   ` +
    `Buffers allocated ${name === 'naive' ? naiveBuffers : pool.stats().totals.misses}   arrayBuffers +${((ext1 - ext0) / 1024).toFixed(0)} KiB`);
}

console.log(`per ${N.toLocaleString('en')} forwarded INVITEs (${received.length} bytes each)`);
await measure('pool', pooled);
await measure('naive', naive);
obs.disconnect();
if (sink === 1) console.log('');
