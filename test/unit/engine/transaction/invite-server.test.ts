// InviteServerTransaction: RFC 3261 17.2.1 with the RFC 6026 7.1 Accepted state.
import { describe, expect, it } from 'vitest';
import type { InviteServerTransaction } from '../../../../firmware/src/engine/transaction/invite-server';
import { ALICE, deliver, msg, serverUser, setup, sip } from './support';

const BRANCH = 'z9hG4bK776asdhds';
const DIALOG = [
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
];
const INVITE = sip(
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  `Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=${BRANCH}`,
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  ...DIALOG,
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Length: 0',
);
const ACK = sip(
  'ACK sip:bob@biloxi.example.com SIP/2.0',
  `Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=${BRANCH}`,
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  ...DIALOG,
  'CSeq: 314159 ACK',
  'Content-Length: 0',
);

function response(status: string): string {
  return sip(
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=${BRANCH};received=198.51.100.7`,
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    ...DIALOG,
    'CSeq: 314159 INVITE',
    'Content-Length: 0',
  );
}

function start(opts: { proto?: 'udp' | 'tcp' } = {}) {
  const env = setup(opts);
  const user = serverUser();
  const src = { ...ALICE, proto: opts.proto ?? 'udp', connId: opts.proto === 'tcp' ? 4 : 0 };
  const tx = env.table.createServer(msg(INVITE), src, env.transport, user) as InviteServerTransaction;
  return { env, user, tx, src };
}

describe('InviteServerTransaction', () => {
  it('starts in Proceeding and sends responses to the 18.2.2 target (RFC 3261 17.2.1)', () => {
    const { env, tx } = start();
    expect(tx.kind).toBe('ist');
    expect(tx.state).toBe('Proceeding');
    env.respond(tx, response('180 Ringing'));
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 180 Ringing']);
    expect(env.transport.sent[0].dest).toEqual({ proto: 'udp', address: '198.51.100.7', port: 5060, connId: 0 });
  });

  it('answers a retransmitted INVITE in Proceeding with the last provisional (17.2.1)', () => {
    const { env, tx } = start();
    expect(deliver(env, INVITE)).toBe(tx); // nothing sent yet: nothing to re-send
    expect(env.transport.sent).toHaveLength(0);
    env.respond(tx, response('180 Ringing'));
    env.respond(tx, response('183 Session Progress'));
    deliver(env, INVITE);
    expect(env.transport.firstLines()).toEqual([
      'SIP/2.0 180 Ringing', 'SIP/2.0 183 Session Progress', 'SIP/2.0 183 Session Progress',
    ]);
  });

  it('retransmits a 486 on Timer G doubling from T1, capped at T2, then Timer H tells the TU (17.2.1)', () => {
    const { env, user, tx } = start();
    env.respond(tx, response('486 Busy Here'));
    expect(tx.state).toBe('Completed');
    expect(env.sendTimes(31_990)).toEqual([
      500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    expect(new Set(env.transport.firstLines())).toEqual(new Set(['SIP/2.0 486 Busy Here']));
    env.advance(10);
    expect(user.events).toEqual(['ack-timeout', 'terminated']);
    expect(tx.state).toBe('Terminated');
    expect(tx.endReason).toBe('timeout');
    env.pool.assertAllFree();
  });

  it('re-sends the final on a retransmitted INVITE in Completed (17.2.1)', () => {
    const { env, tx } = start();
    env.respond(tx, response('486 Busy Here'));
    deliver(env, INVITE);
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 486 Busy Here', 'SIP/2.0 486 Busy Here']);
  });

  it('moves Completed -> Confirmed on the ACK, stops G and H, absorbs ACKs, ends after Timer I = T4 (17.2.1)', () => {
    const { env, user, tx } = start();
    env.respond(tx, response('486 Busy Here'));
    env.advance(600); // one G retransmission at 500
    expect(deliver(env, ACK)).toBe(tx);
    expect(tx.state).toBe('Confirmed');
    env.pool.assertAllFree(); // the final is no longer kept once ACKed
    expect(deliver(env, ACK)).toBe(tx);
    deliver(env, INVITE);
    expect(env.sendTimes(4990)).toEqual([]);
    expect(tx.state).toBe('Confirmed');
    env.advance(10);
    expect(tx.state).toBe('Terminated');
    expect(user.events).toEqual(['terminated']);
    expect(env.transport.sent).toHaveLength(2);
  });

  it('over TCP: no Timer G, and the ACK terminates at once (Timer I = 0, 17.2.1)', () => {
    const { env, tx, src } = start({ proto: 'tcp' });
    env.respond(tx, response('486 Busy Here'));
    expect(env.transport.sent[0].dest).toEqual({ proto: 'tcp', address: '198.51.100.7', port: 5060, connId: 4 });
    expect(env.sendTimes(10_000)).toEqual([]);
    deliver(env, ACK, src);
    expect(tx.state).toBe('Terminated');
    env.pool.assertAllFree();
  });

  it('over TCP without an ACK, Timer H still fires (17.2.1: H for any transport)', () => {
    const { env, user, tx } = start({ proto: 'tcp' });
    env.respond(tx, response('500 Server Internal Error'));
    env.advance(32_000);
    expect(user.events).toEqual(['ack-timeout', 'terminated']);
    expect(tx.state).toBe('Terminated');
  });

  it('on a 2xx: Accepted, absorbs INVITE retransmissions, sends TU 2xx retransmissions, ends on Timer L (RFC 6026 7.1)', () => {
    const { env, tx } = start();
    env.respond(tx, response('180 Ringing'));
    env.respond(tx, response('200 OK'));
    expect(tx.state).toBe('Accepted');
    env.pool.assertAllFree(); // neither the 180 nor the 200 is kept
    deliver(env, INVITE);
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
    env.respond(tx, response('200 OK'));
    env.respond(tx, response('486 Busy Here')); // not after a 2xx
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    expect(env.sendTimes(31_990)).toEqual([]);
    env.advance(10);
    expect(tx.state).toBe('Terminated');
    env.pool.assertAllFree();
  });

  it('does not match the ACK of a 2xx to the transaction in Accepted: it goes to the TU (RFC 6026 7.1)', () => {
    const { env, tx } = start();
    env.respond(tx, response('200 OK'));
    expect(env.table.matchServer(msg(ACK), ALICE)).toBeUndefined();
  });

  it('drops responses after a non-2xx final, freeing their chunks (17.2.1)', () => {
    const { env, tx } = start();
    env.respond(tx, response('486 Busy Here'));
    env.respond(tx, response('200 OK'));
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 486 Busy Here']);
    env.table.close();
    env.pool.assertAllFree();
  });

  it('informs the TU and terminates when a response cannot be sent (17.2.4)', () => {
    const { env, user, tx } = start();
    env.transport.failNext(new Error('EPERM'));
    env.respond(tx, response('486 Busy Here'));
    expect(user.events).toEqual(['transport-error EPERM', 'terminated']);
    expect(tx.state).toBe('Terminated');
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('refuses a status outside 100-699 and still frees the chunk', () => {
    const { env, tx } = start();
    const o = env.outgoing(response('180 Ringing'));
    expect(() => tx.respond(99, o.chunk, o.len)).toThrow(RangeError);
    env.pool.assertAllFree();
  });

  it('hands out one local To tag per transaction (RFC 3261 8.2.6.2)', () => {
    const { tx } = start();
    expect(tx.localTag).toMatch(/^[0-9a-f]{16}$/);
    expect(tx.localTag).toBe(tx.localTag);
  });
});
