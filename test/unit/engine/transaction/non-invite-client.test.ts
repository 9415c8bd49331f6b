// NonInviteClientTransaction: RFC 3261 17.1.2.
import { describe, expect, it } from 'vitest';
import { clientUser, msg, setup, sip } from './support';

const BRANCH = 'z9hG4bKnict77';
const BYE = sip(
  'BYE sip:alice@198.51.100.7 SIP/2.0',
  `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${BRANCH}`,
  'Max-Forwards: 70',
  'To: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 231 BYE',
  'Content-Length: 0',
);

function response(status: string): string {
  return sip(
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${BRANCH}`,
    'To: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'From: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 231 BYE',
    'Content-Length: 0',
  );
}

describe('NonInviteClientTransaction', () => {
  it('retransmits on Timer E doubling from T1 up to T2 in Trying, times out on Timer F (RFC 3261 17.1.2.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(BYE, user);
    expect(tx.state).toBe('Trying');
    expect(env.sendTimes(31_990)).toEqual([
      500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500,
    ]);
    env.advance(10);
    expect(user.events).toEqual(['timeout']);
    expect(tx.state).toBe('Terminated');
    expect(tx.endReason).toBe('timeout');
    expect(env.table.counters.timeouts).toBe(1);
    env.pool.assertAllFree();
  });

  it('in Proceeding retransmits every T2 once Timer E fires (17.1.2.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(BYE, user);
    env.advance(700); // one retransmission at 500; E now due at 1500
    tx.receive(msg(response('100 Trying')));
    expect(tx.state).toBe('Proceeding');
    expect(user.events).toEqual(['response 100']);
    expect(env.sendTimes(31_300)).toEqual([1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
    expect(user.events).toEqual(['response 100', 'timeout']); // Timer F still applies
  });

  it('sends once and never retransmits over a reliable transport (17.1.2.2)', () => {
    const env = setup({ proto: 'tcp' });
    const user = clientUser();
    env.send(BYE, user);
    expect(env.sendTimes(32_000)).toEqual([]);
    expect(env.transport.sent).toHaveLength(1);
    expect(user.events).toEqual(['timeout']);
  });

  it('on a final: Completed, passes it up once, absorbs retransmissions, Timer K = T4 (17.1.2.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(BYE, user);
    tx.receive(msg(response('200 OK')));
    expect(tx.state).toBe('Completed');
    tx.receive(msg(response('200 OK')));
    tx.receive(msg(response('100 Trying')));
    expect(user.events).toEqual(['response 200']);
    expect(env.sendTimes(4990)).toEqual([]);
    expect(tx.state).toBe('Completed');
    env.advance(10);
    expect(tx.state).toBe('Terminated');
    expect(env.table.size).toBe(0);
    env.pool.assertAllFree();
  });

  it('a final in Proceeding also completes it (17.1.2.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(BYE, user);
    tx.receive(msg(response('100 Trying')));
    tx.receive(msg(response('481 Call/Transaction Does Not Exist')));
    expect(tx.state).toBe('Completed');
    expect(user.events).toEqual(['response 100', 'response 481']);
  });

  it('terminates at once on a final over a reliable transport (Timer K = 0, 17.1.2.2)', () => {
    const env = setup({ proto: 'tcp' });
    const user = clientUser();
    const tx = env.send(BYE, user);
    tx.receive(msg(response('200 OK')));
    expect(tx.state).toBe('Terminated');
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('informs the TU and terminates on a transport error (17.1.4)', () => {
    const env = setup();
    const user = clientUser();
    env.transport.failNext(new Error('ECONNREFUSED'));
    const tx = env.send(BYE, user);
    expect(user.events).toEqual(['transport-error ECONNREFUSED']);
    expect(tx.state).toBe('Terminated');
    env.pool.assertAllFree();
  });

  it('an error reported after the final by a late done does not reach the TU', () => {
    const env = setup({ deferDone: true });
    const user = clientUser();
    const tx = env.send(BYE, user);
    tx.receive(msg(response('200 OK')));
    env.advance(5000);
    env.transport.complete(new Error('late'));
    expect(user.events).toEqual(['response 200']);
    expect(tx.endReason).toBe('completed');
    env.pool.assertAllFree();
  });
});
