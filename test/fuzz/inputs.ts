// Fuzz input number N of a seed: the transport, the bytes, and for TCP how they are delivered
// (RFC 3261 §18.3 framing: whole, split across writes, several packed in one write, a header that
// never ends, one byte per write, or left half-sent), whether the peer reads the answers, and how
// the connection ends. A pure function
// of (seed, index), so any input can be rebuilt and replayed alone.
import { CORPUS } from './corpus';
import { GENERATORS } from './generate';
import { defuseForeignAddresses } from './loopback-guard';
import { MAX_UDP_BYTES, mutate } from './mutate';
import { rngFor, type Rng } from './prng';

export type TcpMode = 'whole' | 'split' | 'packed' | 'endless' | 'bytewise' | 'linger' | 'flood';
/** end: FIN; destroy: close without waiting for the box; reset: RST (socket.resetAndDestroy). */
export type TcpClose = 'end' | 'destroy' | 'reset';

export interface FuzzInput {
  index: number;
  proto: 'udp' | 'tcp';
  bytes: Buffer;
  /** TCP only: offsets where the bytes are cut into separate writes (ascending, inside the bytes). */
  cuts: number[];
  mode: TcpMode;
  close: TcpClose;
  /** TCP only: false for a peer that never reads what the box answers (its writes back up). */
  readAnswers?: boolean;
  /** TCP 'flood' only: the bytes are written again and again on one connection up to this many. */
  repeatToBytes?: number;
  /** What made it: the seed message or generator, then the mutators. */
  label: string;
}

/** One input in seven goes over TCP (3,000 UDP and 500 TCP for 3,500). */
export const TCP_EVERY = 7;
export const isTcpIndex = (index: number): boolean => index % TCP_EVERY === TCP_EVERY - 1;

/** Endless TCP headers stop after this many bytes, past the box's 64 KiB message limit. */
const ENDLESS_MAX_BYTES = 200_000;
/** bytewise delivery is for short inputs only (one write per byte). */
const BYTEWISE_MAX_BYTES = 400;

/**
 * A corpus message made this input's own: its branches (and so its transaction, RFC 3261
 * §17.2.3) unique, or the box would take it for a retransmission of an earlier input and absorb it.
 */
function seedText(rng: Rng, index: number): { text: string; name: string } {
  const seed = rng.pick(CORPUS);
  return { text: seed.bytes.toString('latin1').replaceAll('branch=z9hG4bK', `branch=z9hG4bK${index}x${rng.int(0, 0xffff)}`), name: seed.name };
}

function oneMessage(rng: Rng, index: number): { text: string; label: string } {
  if (rng.chance(0.7)) {
    const seed = seedText(rng, index);
    const { text, applied } = mutate(rng, seed.text);
    return { text, label: `${seed.name} + ${applied.join(' + ')}` };
  }
  const [name, generate] = rng.pick(GENERATORS);
  const text = generate(rng);
  if (rng.chance(0.3)) {
    const { text: mutated, applied } = mutate(rng, text);
    return { text: mutated, label: `${name} + ${applied.join(' + ')}` };
  }
  return { text, label: name };
}

function endless(rng: Rng): string {
  const target = rng.int(70_000, ENDLESS_MAX_BYTES);
  const head = 'INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKendless\r\n';
  const unit = rng.pick(['X-Endless: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n', 'a', ' ', '\r\n ', 'v:SIP/2.0/TCP a\r\n']);
  if (rng.chance(0.3)) {
    // A body announced and never sent in full: the box waits for the rest, the connection closes.
    return `${head}Content-Length: ${rng.int(1000, 65_000)}\r\n\r\n${'b'.repeat(rng.int(0, 900))}`;
  }
  return head + unit.repeat(Math.ceil((target - head.length) / unit.length));
}

function cutsFor(rng: Rng, length: number, mode: TcpMode): number[] {
  if (mode === 'bytewise') return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  if (mode === 'whole' || mode === 'packed' || length < 2) return [];
  const n = mode === 'endless' ? rng.int(2, 20) : rng.int(1, 8);
  const cuts = new Set<number>();
  for (let i = 0; i < n; i++) cuts.add(rng.int(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

export function inputAt(seed: number, index: number): FuzzInput {
  const rng = rngFor(seed, index);
  const close: TcpClose = rng.pick(['end', 'end', 'destroy', 'reset']);
  if (!isTcpIndex(index)) {
    const { text, label } = oneMessage(rng, index);
    const bytes = Buffer.from(text.length > MAX_UDP_BYTES ? text.slice(0, MAX_UDP_BYTES) : text, 'latin1');
    defuseForeignAddresses(bytes);
    return { index, proto: 'udp', bytes, cuts: [], mode: 'whole', close, label };
  }
  const roll = rng.next();
  let mode: TcpMode = roll < 0.35 ? 'whole' : roll < 0.6 ? 'split' : roll < 0.75 ? 'packed' : roll < 0.85 ? 'endless' : roll < 0.92 ? 'linger' : 'bytewise';
  let text: string;
  let label: string;
  if (mode === 'endless') {
    text = endless(rng);
    label = 'endless header';
  } else if (mode === 'packed') {
    const parts: string[] = [];
    const labels: string[] = [];
    for (let i = rng.int(2, 6); i > 0; i--) {
      const m = rng.chance(0.5) ? { text: seedText(rng, index).text, label: 'valid' } : oneMessage(rng, index);
      parts.push(m.text + (rng.chance(0.3) ? '\r\n\r\n' : ''));
      labels.push(m.label);
    }
    text = parts.join('');
    label = `packed [${labels.join('] [')}]`;
  } else {
    ({ text, label } = oneMessage(rng, index));
    if (mode === 'bytewise' && text.length > BYTEWISE_MAX_BYTES) mode = 'split';
    if (mode === 'linger') text = text.slice(0, rng.int(0, text.length)); // half-sent, left open
  }
  const bytes = Buffer.from(text, 'latin1');
  defuseForeignAddresses(bytes);
  const cuts = cutsFor(rng, bytes.length, mode);
  const readAnswers = !rng.chance(0.15);
  return { index, proto: 'tcp', bytes, cuts, mode, close, readAnswers, label: `${mode}${readAnswers ? '' : ' unread'}: ${label}` };
}
