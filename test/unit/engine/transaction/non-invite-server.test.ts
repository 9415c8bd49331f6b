// NonInviteServerTransaction: RFC 3261 17.2.2.
import { describe, expect, it } from 'vitest';
import { ALICE, deliver, msg, serverUser, setup, sip } from './support';

const REGISTER = sip(
  'REGISTER sip:registrar.biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bKnashds7;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Bob <sip:bob@biloxi.example.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'Contact: <sip:bob@198.51.100.7:5062>',
  'Expires: 7200',
  'Content-Length: 0',
);

function response(status: string): string {
  return sip(
    `SIP/2.0 ${status}`,
    'Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bKnashds7;rport=40000;received=198.51.100.7',
    'To: Bob <sip:bob@biloxi.example.com>;tag=2493k59kd',
    'From: Bob <sip:bob@biloxi.example.com>;tag=456248',
    'Call-ID: 843817637684230@998sdasdh09',
    'CSeq: 1826 REGISTER',
    'Content-Length: 0',
  );
}

/** Alice behind a NAT: the source port is not the Via port. */
const NATTED = { ...ALICE, port: 40000 };

function start(proto: 'udp' | 'tcp' = 'udp') {
  const env = setup({ proto });
  const user = serverUser();
  const src = { ...NATTED, proto, connId: proto === 'tcp' ? 9 : 0 };
  const tx = env.table.createServer(msg(REGISTER), src, env.transport, user);
  return { env, user, tx, src };
}

describe('NonInviteServerTransaction', () => {
  it('starts in Trying and discards retransmissions there (RFC 3261 17.2.2)', () => {
    const { env, tx } = start();
    expect(tx.kind).toBe('nist');
    expect(tx.state).toBe('Trying');
    expect(deliver(env, REGISTER, NATTED)).toBe(tx);
    expect(env.transport.sent).toHaveLength(0);
  });

  it('moves Trying -> Proceeding on a provisional and re-sends it on retransmissions (17.2.2)', () => {
    const { env, tx } = start();
    env.respond(tx, response('100 Trying'));
    expect(tx.state).toBe('Proceeding');
    deliver(env, REGISTER, NATTED);
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 100 Trying']);
    // rport (RFC 3581 §4): back to the source address and port.
    expect(env.transport.sent[0].dest).toEqual({ proto: 'udp', address: '198.51.100.7', port: 40000, connId: 0 });
  });

  it('moves to Completed on a final, re-answers retransmissions with it for Timer J = 64*T1 (17.2.2)', () => {
    const { env, user, tx } = start();
    env.respond(tx, response('100 Trying'));
    env.respond(tx, response('200 OK'));
    expect(tx.state).toBe('Completed');
    deliver(env, REGISTER, NATTED);
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    env.advance(31_990);
    expect(tx.state).toBe('Completed');
    env.advance(10);
    expect(tx.state).toBe('Terminated');
    expect(user.events).toEqual(['terminated']);
    expect(env.table.matchServer(msg(REGISTER), NATTED)).toBeUndefined();
    env.pool.assertAllFree();
  });

  it('a final straight from Trying completes it, and nothing is retransmitted unprompted (17.2.2)', () => {
    const { env, tx } = start();
    env.respond(tx, response('401 Unauthorized'));
    expect(tx.state).toBe('Completed');
    expect(env.sendTimes(31_000)).toEqual([]);
  });

  it('discards responses from the TU in Completed, freeing their chunks (17.2.2)', () => {
    const { env, tx } = start();
    env.respond(tx, response('200 OK'));
    env.respond(tx, response('500 Server Internal Error'));
    expect(env.transport.firstLines()).toEqual(['SIP/2.0 200 OK']);
    env.advance(32_000);
    env.pool.assertAllFree();
  });

  it('terminates at once after the final over a reliable transport (Timer J = 0, 17.2.2)', () => {
    const { env, tx } = start('tcp');
    env.respond(tx, response('200 OK'));
    expect(tx.state).toBe('Terminated');
    expect(env.transport.sent[0].dest).toEqual({ proto: 'tcp', address: '198.51.100.7', port: 40000, connId: 9 });
    env.pool.assertAllFree();
  });

  it('informs the TU and terminates when the final cannot be sent (17.2.4)', () => {
    const { env, user, tx } = start();
    env.transport.failNext(new Error('EACCES'));
    env.respond(tx, response('200 OK'));
    expect(user.events).toEqual(['transport-error EACCES', 'terminated']);
    expect(tx.state).toBe('Terminated');
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('keeps the final until its send completes, even after termination', () => {
    const env = setup({ proto: 'tcp', deferDone: true });
    const tx = env.table.createServer(msg(REGISTER), { ...NATTED, proto: 'tcp', connId: 9 }, env.transport, serverUser());
    env.respond(tx, response('200 OK'));
    expect(tx.state).toBe('Terminated');
    expect(() => env.pool.assertAllFree()).toThrow(/leaked/);
    env.transport.complete();
    env.pool.assertAllFree();
  });
});
