// One registered contact of an address-of-record (RFC 3261 §10; Path RFC 3327; instance and
// reg-id RFC 5626 §6), its persisted form (store/schema.ts StoredBinding) and the lookup order.
import type { Endpoint } from '../../engine/transport/index';
import type { StoredBinding } from '../../store/schema';

export interface Binding {
  /** The extension number (the AOR's user part; the domain is the box's). */
  readonly aor: string;
  /** The Contact URI exactly as registered: route to it as is. */
  readonly contact: string;
  /** Wall clock (ms since the epoch): survives a restart, unlike the monotonic Clock. */
  readonly expiresAtMs: number;
  /** Thousandths (0..1000), -1 when the Contact had no q. */
  readonly q: number;
  readonly callId: string;
  readonly cseq: number;
  /** RFC 3327 Path values of the REGISTER, in order. */
  readonly path: readonly string[];
  /** Where the REGISTER came from; connId is 0 after a restart (connections do not survive it). */
  readonly source: Endpoint;
  readonly userAgent: string;
  /** +sip.instance as written inside the quotes (e.g. '<urn:uuid:...>'), or null. */
  readonly instance: string | null;
  /** reg-id, -1 when absent. */
  readonly regId: number;
  /** Wall-clock time of the REGISTER that last wrote this binding (added or refreshed it). */
  readonly registeredAtMs: number;
}

/**
 * The table's own binding objects: immutable, with their persisted form made once so that a
 * persist pass only copies references (no per-binding allocation for 10,000 AORs).
 */
export class BindingRecord implements Binding {
  readonly aor: string;
  readonly contact: string;
  readonly expiresAtMs: number;
  readonly q: number;
  readonly callId: string;
  readonly cseq: number;
  readonly path: readonly string[];
  readonly source: Endpoint;
  readonly userAgent: string;
  readonly instance: string | null;
  readonly regId: number;
  readonly registeredAtMs: number;
  readonly #stored: StoredBinding;

  private constructor(b: Binding, source: Endpoint, path: readonly string[], stored: StoredBinding) {
    this.aor = b.aor;
    this.contact = b.contact;
    this.expiresAtMs = b.expiresAtMs;
    this.q = b.q;
    this.callId = b.callId;
    this.cseq = b.cseq;
    this.path = path;
    this.source = source;
    this.userAgent = b.userAgent;
    this.instance = b.instance;
    this.regId = b.regId;
    this.registeredAtMs = b.registeredAtMs;
    this.#stored = stored;
  }

  /** A record for `b` (reused when it already is one: records never change). */
  static of(b: Binding): BindingRecord {
    if (b instanceof BindingRecord) return b;
    const path = Array.from(b.path);
    const source: Endpoint = { proto: b.source.proto, address: b.source.address, port: b.source.port, connId: b.source.connId };
    const stored: StoredBinding = {
      aor: b.aor,
      contact: b.contact,
      expiresAt: b.expiresAtMs,
      q: b.q,
      callId: b.callId,
      cseq: b.cseq,
      path,
      source: { proto: source.proto, address: source.address, port: source.port },
      userAgent: b.userAgent,
      instance: b.instance,
      regId: b.regId,
      registeredAt: b.registeredAtMs,
    };
    return new BindingRecord(b, source, path, stored);
  }

  /** A record over a binding read back from the data file; connId is 0 (not persisted). */
  static fromStored(s: StoredBinding): BindingRecord {
    const source: Endpoint = { proto: s.source.proto, address: s.source.address, port: s.source.port, connId: 0 };
    const b: Binding = {
      aor: s.aor,
      contact: s.contact,
      expiresAtMs: s.expiresAt,
      q: s.q,
      callId: s.callId,
      cseq: s.cseq,
      path: s.path,
      source,
      userAgent: s.userAgent,
      instance: s.instance,
      regId: s.regId,
      registeredAtMs: s.registeredAt,
    };
    return new BindingRecord(b, source, s.path, s);
  }

  toStored(): StoredBinding {
    return this.#stored;
  }
}

/**
 * The q used for ordering: a Contact that states no preference ranks as 1.0, so that it is not
 * placed below one that explicitly asked for a low preference (RFC 3261 §10.2.1.2 leaves it open).
 */
export function qRank(q: number): number {
  return q < 0 ? 1000 : q;
}

/** Lookup order: highest q first; equal q, the most recently written first. */
export function byLookupOrder(a: Binding, b: Binding): number {
  return qRank(b.q) - qRank(a.q) || b.registeredAtMs - a.registeredAtMs;
}

/** Checks the shape of a persisted binding (the data file may be old or edited by hand). */
export function isStoredBinding(v: unknown): v is StoredBinding {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const src = s.source as Record<string, unknown> | null | undefined;
  return (
    typeof s.aor === 'string' && typeof s.contact === 'string' && typeof s.expiresAt === 'number' &&
    typeof s.q === 'number' && typeof s.callId === 'string' && typeof s.cseq === 'number' &&
    Array.isArray(s.path) && s.path.every((p) => typeof p === 'string') &&
    typeof src === 'object' && src !== null &&
    (src.proto === 'udp' || src.proto === 'tcp' || src.proto === 'tls') &&
    typeof src.address === 'string' && typeof src.port === 'number' &&
    typeof s.userAgent === 'string' && (s.instance === null || typeof s.instance === 'string') &&
    typeof s.regId === 'number' && typeof s.registeredAt === 'number'
  );
}
