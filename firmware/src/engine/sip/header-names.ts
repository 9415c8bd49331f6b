// Header field names as small numeric ids: full names, the compact forms of RFC 3261 §7.3.3 and
// the IANA SIP parameters registry, matched case-insensitively (§7.3.1) straight from the bytes.
import { lowerByte } from './chars';

/** Numeric ids of the known header fields; anything else is `H.Other` and is matched by name. */
export const H = {
  Other: 0,
  Via: 1,
  From: 2,
  To: 3,
  CallId: 4,
  CSeq: 5,
  Contact: 6,
  ContentLength: 7,
  ContentType: 8,
  MaxForwards: 9,
  Route: 10,
  RecordRoute: 11,
  Expires: 12,
  MinExpires: 13,
  Authorization: 14,
  ProxyAuthorization: 15,
  WwwAuthenticate: 16,
  ProxyAuthenticate: 17,
  Supported: 18,
  Require: 19,
  ProxyRequire: 20,
  Unsupported: 21,
  Allow: 22,
  UserAgent: 23,
  Server: 24,
  Path: 25,
  Event: 26,
  Subject: 27,
  Timestamp: 28,
  Accept: 29,
  AllowEvents: 30,
  ContentEncoding: 31,
  ReferTo: 32,
  ReferredBy: 33,
  SessionExpires: 34,
  PAssertedIdentity: 35,
  Privacy: 36,
  Date: 37,
  Organization: 38,
  Warning: 39,
  Reason: 40,
  Identity: 41,
  AcceptContact: 42,
  RejectContact: 43,
  RequestDisposition: 44,
  AcceptEncoding: 45,
  AcceptLanguage: 46,
  AlertInfo: 47,
  CallInfo: 48,
  ContentDisposition: 49,
  ContentLanguage: 50,
  ErrorInfo: 51,
  InReplyTo: 52,
  MimeVersion: 53,
  Priority: 54,
  ReplyTo: 55,
  RetryAfter: 56,
  AuthenticationInfo: 57,
  MinSE: 58,
  PPreferredIdentity: 59,
  ServiceRoute: 60,
  SubscriptionState: 61,
  RSeq: 62,
  RAck: 63,
  Replaces: 64,
  Diversion: 65,
  HistoryInfo: 66,
  FlowTimer: 67,
} as const;

export type HeaderId = (typeof H)[keyof typeof H];

/** Canonical spelling, indexed by id (used when sending: strict output, RFC 3261 §7.3.1). */
const CANONICAL: readonly string[] = [
  '',
  'Via',
  'From',
  'To',
  'Call-ID',
  'CSeq',
  'Contact',
  'Content-Length',
  'Content-Type',
  'Max-Forwards',
  'Route',
  'Record-Route',
  'Expires',
  'Min-Expires',
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Supported',
  'Require',
  'Proxy-Require',
  'Unsupported',
  'Allow',
  'User-Agent',
  'Server',
  'Path',
  'Event',
  'Subject',
  'Timestamp',
  'Accept',
  'Allow-Events',
  'Content-Encoding',
  'Refer-To',
  'Referred-By',
  'Session-Expires',
  'P-Asserted-Identity',
  'Privacy',
  'Date',
  'Organization',
  'Warning',
  'Reason',
  'Identity',
  'Accept-Contact',
  'Reject-Contact',
  'Request-Disposition',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Call-Info',
  'Content-Disposition',
  'Content-Language',
  'Error-Info',
  'In-Reply-To',
  'MIME-Version',
  'Priority',
  'Reply-To',
  'Retry-After',
  'Authentication-Info',
  'Min-SE',
  'P-Preferred-Identity',
  'Service-Route',
  'Subscription-State',
  'RSeq',
  'RAck',
  'Replaces',
  'Diversion',
  'History-Info',
  'Flow-Timer',
];

/** Compact forms (RFC 3261 §7.3.3 and the IANA registry). */
const COMPACT: ReadonlyArray<readonly [string, HeaderId]> = [
  ['i', H.CallId],
  ['m', H.Contact],
  ['e', H.ContentEncoding],
  ['l', H.ContentLength],
  ['c', H.ContentType],
  ['f', H.From],
  ['s', H.Subject],
  ['k', H.Supported],
  ['t', H.To],
  ['v', H.Via],
  ['o', H.Event],
  ['u', H.AllowEvents],
  ['r', H.ReferTo],
  ['b', H.ReferredBy],
  ['x', H.SessionExpires],
  ['y', H.Identity],
  ['a', H.AcceptContact],
  ['j', H.RejectContact],
  ['d', H.RequestDisposition],
];

/**
 * Header fields whose value is a comma-separated list (RFC 3261 §7.3.1). The authentication
 * fields, Date and the free-text fields are not: a comma there does not split.
 */
const LIST_IDS: readonly HeaderId[] = [
  H.Via, H.Contact, H.Route, H.RecordRoute, H.Supported, H.Require, H.ProxyRequire,
  H.Unsupported, H.Allow, H.Path, H.Accept, H.AllowEvents, H.ContentEncoding, H.PAssertedIdentity,
  H.Warning, H.Reason, H.AcceptContact, H.RejectContact, H.RequestDisposition, H.AcceptEncoding,
  H.AcceptLanguage, H.AlertInfo, H.CallInfo, H.ContentLanguage, H.ErrorInfo, H.InReplyTo,
  H.PPreferredIdentity, H.ServiceRoute, H.Diversion, H.HistoryInfo,
];

const ID_COUNT = CANONICAL.length;
const IS_LIST = new Uint8Array(ID_COUNT);
for (const id of LIST_IDS) IS_LIST[id] = 1;

const COMPACT_BY_BYTE = new Int8Array(256);
for (const [c, id] of COMPACT) {
  COMPACT_BY_BYTE[c.charCodeAt(0)] = id;
  COMPACT_BY_BYTE[c.toUpperCase().charCodeAt(0)] = id;
}

// Full names bucketed by (length, lower-cased first byte): one Map hit, then a byte compare.
const BUCKETS = new Map<number, Array<readonly [string, HeaderId]>>();
const BY_LOWER_NAME = new Map<string, HeaderId>();
for (let id = 1; id < ID_COUNT; id++) {
  const lower = CANONICAL[id].toLowerCase();
  const key = lower.length * 256 + lower.charCodeAt(0);
  let list = BUCKETS.get(key);
  if (list === undefined) {
    list = [];
    BUCKETS.set(key, list);
  }
  list.push([lower, id as HeaderId]);
  BY_LOWER_NAME.set(lower, id as HeaderId);
}
for (const [c, id] of COMPACT) BY_LOWER_NAME.set(c, id);

/** The id of the header name at buf[s, e) (case-insensitive, compact forms included). */
export function headerIdOf(buf: Buffer, s: number, e: number): HeaderId {
  const len = e - s;
  if (len <= 0) return H.Other;
  if (len === 1) return COMPACT_BY_BYTE[buf[s]] as HeaderId;
  const list = BUCKETS.get(len * 256 + lowerByte(buf[s]));
  if (list === undefined) return H.Other;
  for (const [lower, id] of list) {
    let i = 1;
    while (i < len && lowerByte(buf[s + i]) === lower.charCodeAt(i)) i++;
    if (i === len) return id;
  }
  return H.Other;
}

/** The id of a header name given as text (any case, compact forms included). */
export function headerIdFromString(name: string): HeaderId {
  return BY_LOWER_NAME.get(name.toLowerCase()) ?? H.Other;
}

/** The canonical spelling of a known header id ('' for H.Other). */
export function headerName(id: HeaderId): string {
  return CANONICAL[id] ?? '';
}

/** Whether the header's value is a comma-separated list. */
export function isListHeader(id: HeaderId): boolean {
  return IS_LIST[id] === 1;
}
