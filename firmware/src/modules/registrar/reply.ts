// The registrar's answers: the 200 listing every current binding with its remaining expires and
// a Date (RFC 3261 §10.3 step 8), the echoed Path (RFC 3327 §5.3), and the refusals.
import type { ModuleApis } from '../module';

type Binding = ReturnType<ModuleApis['location']['lookup']>[number];

/** The response to send: status, optional reason phrase, and whole CRLF-ended header lines. */
export interface RegisterOutcome {
  readonly status: number;
  readonly reason?: string;
  readonly headers: string;
}

export function failure(status: number, reason: string): RegisterOutcome {
  return { status, reason, headers: '' };
}

/**
 * 200 OK: one Contact line per binding in lookup order, each with the seconds it has left
 * (rounded up, so a live binding never reads as expires=0, the removal value), its q, and its
 * +sip.instance/reg-id so a UA can tell its own binding (RFC 5626 §6); then the Path values to
 * echo, then Date (a device without a battery-backed clock can take the time from it, §20.17).
 */
export function bindingsReply(bindings: readonly Binding[], nowMs: number, pathEcho: readonly string[]): RegisterOutcome {
  let headers = '';
  for (const b of bindings) {
    const remainingSec = Math.max(0, Math.ceil((b.expiresAtMs - nowMs) / 1000));
    headers += `Contact: <${b.contact}>;expires=${remainingSec}`;
    if (b.q >= 0) headers += `;q=${formatQ(b.q)}`;
    if (b.instance !== null) headers += `;+sip.instance=${quoted(b.instance)}`;
    if (b.regId >= 0) headers += `;reg-id=${b.regId}`;
    headers += '\r\n';
  }
  for (const p of pathEcho) headers += `Path: ${p}\r\n`;
  headers += `Date: ${new Date(nowMs).toUTCString()}\r\n`;
  return { status: 200, headers };
}

/** Thousandths as a qvalue (§25.1): 1000 -> "1", 500 -> "0.5", 25 -> "0.025". */
export function formatQ(q: number): string {
  if (q >= 1000) return '1';
  if (q <= 0) return '0';
  let digits = String(1000 + q).slice(1); // three digits, leading zeros kept
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 0x30) end--;
  digits = digits.slice(0, end);
  return `0.${digits}`;
}

/** A quoted-string (§25.1): '"' and '\' escaped with a backslash. */
function quoted(text: string): string {
  let out = '"';
  for (const ch of text) out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${out}"`;
}
