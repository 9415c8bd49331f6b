// The proxy core (RFC 3261 §16): relays requests statefully through the transaction layer, passes
// responses back upstream, loose-routes in-dialog requests (§16.4, §16.12) and forwards what has
// no transaction statelessly (the ACK for a 2xx, §16.11; responses whose client transaction has
// ended, §16.7 / §18.2.2). It knows SIP only: who to call is the route layer's business.
import { createHash } from 'node:crypto';
import type { BufferPool, Chunk } from '../alloc/pool';
import type { IdSource } from '../ids';
import { buildCancel } from '../sip/build';
import { EditList } from '../sip/edits';
import { removeTopVia } from '../sip/message-edits';
import { headerSectionClean } from '../sip/wire-check';
import { parseMessage, type SipMessage } from '../sip/message';
import type { SipStack } from '../stack';
import type { TimerWheel } from '../timer/wheel';
import type { InviteClientTransaction } from '../transaction/invite-client';
import { MAGIC_COOKIE } from '../ids';
import type { ClientTransaction, ClientUser, ServerTransaction, TransactionTable } from '../transaction/table';
import type { Endpoint, Proto, Transport } from '../transport/index';
import { SIP_PORT } from '../transport/response-target';
import { buildForwarded, uriOf, type ForwardSpec } from './forward';
import type { LocalIdentity } from './myself';
import { nextHop } from './next-hop';
import { ProxyCall, type RelayOptions, type Target } from './proxy-call';

export interface ProxyDeps {
  stack: SipStack;
  table: TransactionTable;
  pool: BufferPool;
  wheel: TimerWheel;
  ids: IdSource;
  me: LocalIdentity;
  transports: Partial<Record<Proto, Transport>>;
}

export interface ProxyCounters {
  relayed: number;
  branches: number;
  statelessForwarded: number;
  strayDropped: number;
  unroutable: number;
  unsafeDropped: number; // responses not passed on: a NUL or bare CR/LF in a header
}

export type SendResult = { ok: true; tx: ClientTransaction } | { ok: false; status: number; reason: string };

/** What §16.4 route pre-processing found for a request. */
export interface RoutePlan {
  /** How many leading Route values name us and must be removed (2 after double record-routing). */
  dropRoutes: number;
  /** Strict-router case: the Request-URI was ours; it becomes this (the last Route). */
  ruri: string | null;
}

const EDITS = new EditList();

export class ProxyCore {
  readonly stack: SipStack;
  readonly wheel: TimerWheel;
  readonly counters: ProxyCounters = { relayed: 0, branches: 0, statelessForwarded: 0, strayDropped: 0, unroutable: 0, unsafeDropped: 0 };
  readonly #d: ProxyDeps;
  /** Calls by their server transaction, for CANCEL (§16.10); removed when the transaction ends. */
  readonly #calls = new Map<ServerTransaction, ProxyCall>();

  constructor(deps: ProxyDeps) {
    this.#d = deps;
    this.stack = deps.stack;
    this.wheel = deps.wheel;
  }

  get me(): LocalIdentity { return this.#d.me; }
  get activeCalls(): number { return this.#calls.size; }

  /** Starts a stateful relay of `req` (in its server transaction) to `targets`. */
  relay(tx: ServerTransaction, req: SipMessage, src: Endpoint, targets: readonly Target[], opts: RelayOptions): ProxyCall {
    this.counters.relayed++;
    const call = new ProxyCall(this, tx, req, src, opts);
    this.#calls.set(tx, call);
    call.start(targets);
    return call;
  }

  /** §16.10: a CANCEL for an INVITE we relay. False when we are not relaying it. */
  cancel(invite: ServerTransaction): boolean {
    const call = this.#calls.get(invite);
    if (call === undefined) return false;
    call.cancel();
    return true;
  }

  /** The server transaction ended: forget its call. */
  forget(tx: ServerTransaction): void {
    this.#calls.delete(tx);
  }

  /**
   * §16.4: if the top Route is ours, it is removed (loose routing); if the Request-URI is ours and
   * Routes follow, the sender is a strict router and the last Route becomes the Request-URI.
   */
  routePlan(req: SipMessage): RoutePlan {
    const routes = req.routes();
    const me = this.#d.me;
    if (me.isMyselfUri(req.ruri()) && routes.length > 0 && !routes[0].uri().lr()) {
      return { dropRoutes: 0, ruri: routes[routes.length - 1].uri().text() };
    }
    let n = 0;
    while (n < routes.length && n < 2 && me.isMyselfUri(routes[n].uri())) n++;
    return { dropRoutes: n, ruri: null };
  }

  /** The next hop of a request per its Route set or Request-URI (§16.6 step 7, §16.12). */
  #destOf(req: SipMessage, plan: RoutePlan, ruri: string | null, pushRoutes: readonly string[]) {
    const routes = req.routes();
    const firstRoute = pushRoutes.length > 0 ? uriOf(pushRoutes[0]) : routes.length > plan.dropRoutes ? routes[plan.dropRoutes].uri() : null;
    const uri = firstRoute ?? (ruri !== null ? uriOf(ruri) : plan.ruri !== null ? uriOf(plan.ruri) : req.ruri());
    return nextHop(uri, (p) => this.#d.transports[p] !== undefined);
  }

  /** Sends one branch of a relayed request in a new client transaction. */
  sendBranch(req: SipMessage, src: Endpoint, t: Target, recordRoute: boolean, extraHeaders: string, user: ClientUser): SendResult {
    const plan = this.routePlan(req);
    const ruri = t.ruri ?? plan.ruri;
    let dest = t.dest;
    if (dest === null) {
      const hop = this.#destOf(req, plan, t.ruri, t.pushRoutes);
      if (!hop.ok) { this.counters.unroutable++; return hop; }
      dest = hop.dest;
    }
    const transport = this.#d.transports[dest.proto];
    if (transport === undefined) return { ok: false, status: 503, reason: 'No Transport' };
    const spec: ForwardSpec = {
      ruri, pushRoutes: t.pushRoutes, recordRoute, src, outProto: dest.proto, branch: this.#d.ids.branch(),
      extraHeaders, dropRoutes: plan.dropRoutes,
    };
    const f = buildForwarded(req, spec, this.#d.me, this.#d.pool);
    // The copy failed the strict-sending check (a NUL or bare CR/LF in a header): refuse it.
    if (f === null) return { ok: false, status: 400, reason: 'Malformed Header' };
    this.counters.branches++;
    return { ok: true, tx: this.#d.table.sendRequest(f.chunk, f.len, f.msg, dest, transport, user) };
  }

  /** §16.7 step 3 + 9: our Via off, the response through the server transaction upstream. */
  forwardResponse(tx: ServerTransaction, res: SipMessage): void {
    const out = this.#withoutTopVia(res);
    if (out !== null) tx.respond(res.status, out.chunk, out.len);
  }

  /** A response with our Via removed, in a pool chunk (§16.7 step 3); null when it is not clean to send. */
  #withoutTopVia(res: SipMessage): { chunk: Chunk; len: number } | null {
    const e = EDITS;
    e.reset(res);
    removeTopVia(e, res);
    if (res.bodyStart === res.headersEnd) e.insert(res.headersEnd, '\r\n'); // the empty line it lacked
    const chunk = this.#d.pool.acquire(e.resultLength());
    const len = e.apply(chunk.buf, 0);
    if (headerSectionClean(chunk.buf, 0, len)) return { chunk, len };
    this.#d.pool.release(chunk);
    this.counters.unsafeDropped++;
    return null;
  }

  /** §9.1 / §16.10: CANCEL for a branch, in a client transaction of its own. */
  sendCancel(ict: InviteClientTransaction): void {
    const invite = ict.request;
    if (invite === null) return;
    const pool = this.#d.pool;
    const chunk = pool.acquire(invite.end - invite.start);
    const len = buildCancel(invite, chunk.buf, 0);
    if (len < 0) { pool.release(chunk); return; }
    const msg = parseMessage(chunk.buf, 0, len, { stream: true });
    if (msg.ok === false) { pool.release(chunk); return; }
    this.#d.table.sendRequest(chunk, len, msg, ict.dest, ict.transport, NO_USER);
  }

  /**
   * §16.11 stateless forwarding of an ACK for a 2xx (and of any request with no transaction): the
   * branch is derived from the incoming one, so a retransmitted ACK gets the same branch.
   */
  forwardStateless(req: SipMessage, src: Endpoint): boolean {
    const plan = this.routePlan(req);
    const hop = this.#destOf(req, plan, null, []);
    if (!hop.ok) { this.counters.unroutable++; return false; }
    const transport = this.#d.transports[hop.dest.proto];
    if (transport === undefined) return false;
    const incoming = req.topVia.branch ?? req.callId();
    const branch = MAGIC_COOKIE + createHash('sha1').update(incoming).update(this.#d.me.sentBy).digest('hex').slice(0, 24);
    const spec: ForwardSpec = {
      ruri: plan.ruri, pushRoutes: [], recordRoute: false, src, outProto: hop.dest.proto, branch, extraHeaders: '',
      dropRoutes: plan.dropRoutes,
    };
    const f = buildForwarded(req, spec, this.#d.me, this.#d.pool);
    if (f === null) return false;
    this.counters.statelessForwarded++;
    const pool = this.#d.pool;
    transport.send(f.chunk.buf, 0, f.len, hop.dest, () => pool.release(f.chunk));
    return true;
  }

  /**
   * A response with no client transaction (a 2xx retransmitted after the transaction ended): if
   * the top Via is ours, it goes to the next Via statelessly (§16.7 / §18.2.2); else dropped.
   */
  forwardStray(res: SipMessage): boolean {
    const vias = res.vias();
    const me = this.#d.me;
    if (vias.length < 2 || !me.isMyself(vias[0].host, vias[0].port)) { this.counters.strayDropped++; return false; }
    const next = vias[1];
    const proto = next.transport.toLowerCase() as Proto;
    const transport = this.#d.transports[proto];
    if (transport === undefined) { this.counters.strayDropped++; return false; }
    // §18.2.2 / RFC 3581: received and rport of the next Via say where its sender really is.
    const dest: Endpoint = { proto, address: next.received ?? next.host, port: next.rport > 0 ? next.rport : next.port || SIP_PORT, connId: 0 };
    const out = this.#withoutTopVia(res);
    if (out === null) return false;
    const { chunk, len } = out;
    const pool = this.#d.pool;
    this.counters.statelessForwarded++;
    transport.send(chunk.buf, 0, len, dest, () => pool.release(chunk));
    return true;
  }
}

/** The CANCEL's own transaction needs no TU: its 200 ends it, the INVITE's 487 is what counts. */
const NO_USER: ClientUser = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
