// REGISTER processing, RFC 3261 §10.3 steps 6-8 (Kamailio's save()): Contacts applied to the
// location table all or nothing, with Path (RFC 3327 §5.3) and instance/reg-id (RFC 5626 §6).
import { parseDecimalText } from '../../engine/sip/chars';
import { H } from '../../engine/sip/header-names';
import type { Contact } from '../../engine/sip/headers/contact';
import type { SipMessage } from '../../engine/sip/message';
import type { Endpoint } from '../../engine/transport/index';
import type { Logger } from '../../log/logger';
import type { ModuleApis } from '../module';
import { bindingsReply, failure, type RegisterOutcome } from './reply';

type LocationApi = ModuleApis['location'];
type Binding = ReturnType<LocationApi['lookup']>[number];

export interface RegistrarSettings {
  readonly minExpiresSec: number;
  readonly maxExpiresSec: number;
  readonly defaultExpiresSec: number;
  readonly maxContactsPerAor: number;
}

/** The bindings after the request, and those of them it wrote (not evictable). */
interface Plan {
  readonly next: Binding[];
  readonly written: Binding[];
}

export interface SaveDeps {
  readonly location: LocationApi;
  readonly settings: RegistrarSettings;
  /** Wall clock, ms since the epoch (the location table's clock). */
  readonly now: () => number;
  readonly log: Logger;
}

/** A Contact URI longer than this is refused: it is kept in memory and in the data file. */
export const MAX_CONTACT_URI_LENGTH = 1024;
/** The same for the Path values of one REGISTER, all together. */
export const MAX_PATH_LENGTH = 2048;
/** reg-id = 1*DIGIT with a value from 1 to 2**31-1 (RFC 5626 §4.2). */
const MAX_REG_ID = 0x7fffffff;

/**
 * Applies an authenticated REGISTER for `aor` and returns the response to send. Validation,
 * the Call-ID/CSeq checks and the contact limit are all done on a working copy first; the
 * table sees the result in one commit, or not at all (§10.3 step 7).
 */
export function saveRegister(msg: SipMessage, aor: string, src: Endpoint, deps: SaveDeps): RegisterOutcome {
  const nowMs = deps.now();
  const stored = deps.location.lookup(aor);
  // A binding past its expiry that the sweep has not reached yet is no longer current.
  const current = stored.filter((b) => b.expiresAtMs > nowMs);
  const contacts = msg.contacts();
  const pathEcho = pathToEcho(msg);
  // §10.3 step 6: no Contact is a query; the 200 lists the current bindings (step 8).
  if (contacts.length === 0) return bindingsReply(current, nowMs, pathEcho);

  const plan = contacts.some((c) => c.star)
    ? planWildcard(msg, contacts, current)
    : planContacts(msg, contacts, current, aor, src, nowMs, deps.settings);
  if ('status' in plan) {
    deps.log.info('register_refused', { aor, status: plan.status, reason: plan.reason, source: src.address });
    return plan;
  }
  const { written } = plan;
  const next = enforceMaxContacts(plan.next, written, deps.settings.maxContactsPerAor);
  if (next === null) {
    deps.log.info('register_refused', { aor, status: 403, reason: 'too many contacts', source: src.address });
    return failure(403, 'Too Many Contacts');
  }
  logChanges(deps.log, aor, stored, next, written);
  deps.location.commit(aor, next);
  return bindingsReply(deps.location.lookup(aor), nowMs, pathEcho);
}

/** `Contact: *` removes every binding; only alone and with Expires: 0 (§10.3 step 6). */
function planWildcard(msg: SipMessage, contacts: readonly Contact[], current: readonly Binding[]): Plan | RegisterOutcome {
  if (contacts.length !== 1 || msg.expires() !== 0) return failure(400, 'Invalid Wildcard Contact');
  const callId = msg.callId();
  const cseq = msg.cseq().seq;
  for (const b of current) if (b.callId === callId && cseq <= b.cseq) return outOfOrder();
  return { next: [], written: [] };
}

/** §10.3 step 7 for each Contact in order, on a copy of the current bindings. */
function planContacts(
  msg: SipMessage,
  contacts: readonly Contact[],
  current: readonly Binding[],
  aor: string,
  src: Endpoint,
  nowMs: number,
  settings: RegistrarSettings,
): Plan | RegisterOutcome {
  const callId = msg.callId();
  const cseq = msg.cseq().seq;
  const headerExpiresSec = msg.expires();
  const path = msg.headerValues(H.Path);
  let pathLength = 0;
  for (const p of path) pathLength += p.length;
  if (pathLength > MAX_PATH_LENGTH) return failure(400, 'Path Too Long');
  const userAgent = msg.header(H.UserAgent) ?? '';
  const next: Binding[] = current.slice();
  // Bindings this request wrote: a Contact listed twice is not its own out-of-order copy.
  const written: Binding[] = [];
  for (const c of contacts) {
    if (!c.valid) return failure(400, 'Bad Contact');
    const uri = c.uri();
    // The proxy routes to a binding as is: only SIP and SIPS URIs can be routed to.
    if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return failure(400, 'Unsupported Contact URI Scheme');
    const contact = uri.text();
    if (contact.length > MAX_CONTACT_URI_LENGTH) return failure(400, 'Contact URI Too Long');
    // The expires parameter, else the Expires header field, else the local default (§10.2.1.1).
    let expiresSec = c.expires >= 0 ? c.expires : headerExpiresSec >= 0 ? headerExpiresSec : settings.defaultExpiresSec;
    // minExpiresSec is at most 3600, so this is the "above zero, below an hour and below the
    // configured minimum" of §10.3 step 7; the 423 carries Min-Expires (§20.23).
    if (expiresSec > 0 && expiresSec < settings.minExpiresSec) {
      return { status: 423, headers: `Min-Expires: ${settings.minExpiresSec}\r\n` };
    }
    if (expiresSec > settings.maxExpiresSec) expiresSec = settings.maxExpiresSec; // "MAY shorten"
    const instance = instanceOf(c);
    const regId = instance === null ? -1 : regIdOf(c);
    const i = findBinding(next, contact, instance, regId);
    const old = i >= 0 ? next[i] : undefined;
    if (old !== undefined && !written.includes(old) && old.callId === callId && cseq <= old.cseq) return outOfOrder();
    if (expiresSec === 0) {
      if (old !== undefined) {
        next.splice(i, 1); // removing a binding that is not there is no error
        const w = written.indexOf(old);
        if (w >= 0) written.splice(w, 1);
      }
      continue;
    }
    const b: Binding = {
      aor,
      contact,
      expiresAtMs: nowMs + expiresSec * 1000,
      q: c.q,
      callId,
      cseq,
      path,
      source: src,
      userAgent,
      instance,
      regId,
      registeredAtMs: nowMs,
    };
    if (old !== undefined) {
      next[i] = b;
      const w = written.indexOf(old);
      if (w >= 0) written[w] = b;
      else written.push(b);
    } else {
      next.push(b);
      written.push(b);
    }
  }
  return { next, written };
}

/**
 * The same Call-ID with a CSeq not above the stored one: §10.3 step 7 says the update "MUST be
 * aborted and the request fails", and a request whose binding updates fail gets a 500 with no
 * change made (same step). A retransmission never gets here: the transaction layer answers it.
 */
function outOfOrder(): RegisterOutcome {
  return failure(500, 'Out Of Order REGISTER');
}

/**
 * RFC 5626 §6: a Contact with +sip.instance and reg-id replaces the binding with the same pair
 * (a phone back on a new address); otherwise, and as a fallback, the Contact URI identifies the
 * binding. URIs are compared as registered, byte for byte, as Kamailio's usrloc does.
 */
function findBinding(list: readonly Binding[], contact: string, instance: string | null, regId: number): number {
  if (instance !== null && regId >= 0) {
    for (let i = 0; i < list.length; i++) if (list[i].instance === instance && list[i].regId === regId) return i;
  }
  for (let i = 0; i < list.length; i++) if (list[i].contact === contact) return i;
  return -1;
}

function instanceOf(c: Contact): string | null {
  const v = c.param('+sip.instance');
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** reg-id without +sip.instance is ignored (RFC 5626 §6: plain RFC 3261 rules apply). */
function regIdOf(c: Contact): number {
  const v = c.param('reg-id');
  const n = typeof v === 'string' ? parseDecimalText(v, MAX_REG_ID) : -1;
  return n >= 1 ? n : -1;
}

/**
 * maxContactsPerAor: when the new list is too long, the bindings this request did not write go,
 * least recently registered first. A phone that reboots and re-registers from a new port with a
 * new Call-ID would otherwise be refused until its stale binding expires (an hour by default);
 * replacing the oldest keeps it reachable (Kamailio IMS usrloc's "overwrite oldest"; plain
 * Kamailio refuses). Only a REGISTER that alone brings more Contacts than allowed is refused
 * (403, as a policy refusal). Returns null in that case.
 */
function enforceMaxContacts(next: Binding[], written: readonly Binding[], max: number): Binding[] | null {
  const excess = next.length - max;
  if (excess <= 0) return next;
  if (written.length > max) return null;
  const evictable = next.filter((b) => !written.includes(b)).sort((a, b) => a.registeredAtMs - b.registeredAtMs);
  const evicted = new Set(evictable.slice(0, excess));
  return next.filter((b) => !evicted.has(b));
}

/** The RFC 3327 §5.3 echo: the request's Path values, when the UA said it supports path. */
function pathToEcho(msg: SipMessage): readonly string[] {
  const path = msg.headerValues(H.Path);
  if (path.length === 0) return path;
  for (const option of msg.headerValues(H.Supported)) if (option.toLowerCase() === 'path') return path;
  return [];
}

/** New and removed bindings at info (refreshes are routine: debug). */
function logChanges(log: Logger, aor: string, before: readonly Binding[], after: readonly Binding[], written: readonly Binding[]): void {
  for (const b of before) {
    if (!after.some((a) => a.contact === b.contact)) log.info('binding_removed', { aor, contact: b.contact });
  }
  for (const b of written) {
    const expiresSec = Math.round((b.expiresAtMs - b.registeredAtMs) / 1000);
    const fields = { aor, contact: b.contact, expiresSec, source: `${b.source.proto}:${b.source.address}:${b.source.port}` };
    if (before.some((a) => a.contact === b.contact)) log.debug('binding_refreshed', fields);
    else log.info('binding_added', fields);
  }
}
