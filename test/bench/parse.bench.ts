// Parse rate of the lazy parser: "lazy" touches what a transaction match and a proxy hop need
// (start line, top Via, Call-ID, CSeq); "full" asks for every header the parser knows, as a
// registrar or a debugging dump would. Prints messages/s per message kind.
import { parseMessage, type SipMessage } from '../../firmware/src/engine/sip/message';
import { ALL } from './lib/messages';

const ROUNDS = 200_000;

function lazy(m: SipMessage): number {
  return m.topVia.port + m.callId().length + m.cseq().seq;
}

function full(m: SipMessage): number {
  let n = lazy(m) + m.from().uri().host.length + (m.to().tag() ?? '').length + m.maxForwards() + m.expires();
  for (const c of m.contacts()) n += c.uri().port;
  for (const r of m.routes()) n += r.uri().host.length;
  for (const r of m.recordRoutes()) n += r.uri().host.length;
  n += (m.header('User-Agent') ?? '').length + (m.header('Content-Type') ?? '').length + m.viaCount();
  n += m.headerValues('Allow').length + m.headerValues('Supported').length + m.body().length;
  if (m.isRequest) n += m.ruri().host.length;
  return n;
}

function rate(buf: Buffer, touch: (m: SipMessage) => number): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) { const m = parseMessage(buf, 0, buf.length); if (m.ok) sink += touch(m); } // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    const m = parseMessage(buf, 0, buf.length);
    if (m.ok) sink += touch(m);
    else throw new Error(`bench message failed to parse: ${m.reason}`);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink === 42) console.log(''); // keep the work observable
  return ROUNDS / (ns / 1e9);
}

console.log('message    bytes   lazy msg/s   full msg/s');
for (const [name, text] of Object.entries(ALL)) {
  const buf = Buffer.from(text, 'latin1');
  const l = rate(buf, lazy);
  const f = rate(buf, full);
  console.log(`${name.padEnd(9)} ${String(buf.length).padStart(6)} ${Math.round(l).toLocaleString('en').padStart(12)} ${Math.round(f).toLocaleString('en').padStart(12)}`);
}
