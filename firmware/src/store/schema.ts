// The data file's document, schema version 1. Every field is validated before it is stored
// (by the module or API that writes it); migrate.ts brings older files up to this version.

export const SCHEMA_VERSION = 1;

/** A phone line: the number is the SIP user and the digest username. */
export interface Extension {
  number: string;
  name: string;
  /** Kept in clear: phones are provisioned with it and the UI can show it (file mode 0600). */
  password: string;
  createdAt: string; // ISO 8601
  updatedAt: string;
}

/** A registered contact (RFC 3261 §10), as the location table persists it. */
export interface StoredBinding {
  aor: string; // the extension number
  contact: string; // the Contact URI exactly as registered
  expiresAt: number; // wall-clock ms since the epoch
  q: number; // thousandths, -1 none
  callId: string;
  cseq: number;
  path: string[]; // Path header values (RFC 3327), in order
  source: { proto: 'udp' | 'tcp' | 'tls'; address: string; port: number };
  userAgent: string;
  instance: string | null; // +sip.instance (RFC 5626)
  regId: number; // reg-id, -1 none
  registeredAt: number;
}

/**
 * Writers replace a changed list (`d.extensions = [...]`), never mutate it in place: listeners
 * (the extensions module's index) tell what changed by identity, cheaply, on every update.
 */
export interface Data {
  version: number;
  extensions: Extension[];
  bindings: StoredBinding[];
  /** A random secret made at first start: signs digest nonces. */
  secret: string;
}

export function emptyData(secret: string): Data {
  return { version: SCHEMA_VERSION, extensions: [], bindings: [], secret };
}
