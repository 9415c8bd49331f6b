// InviteClientTransaction: RFC 3261 17.1.1 with the RFC 6026 7.2 Accepted state.
import { describe, expect, it } from 'vitest';
import { BOB, clientUser, msg, setup, sip } from './support';

const BRANCH = 'z9hG4bKict1a2b';
const INVITE = sip(
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${BRANCH}`,
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@198.51.100.7>',
  'Content-Length: 0',
);

function response(status: string, toTag = ';tag=8321234356'): string {
  return sip(
    `SIP/2.0 ${status}`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${BRANCH}`,
    `To: Bob <sip:bob@biloxi.example.com>${toTag}`,
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Content-Length: 0',
  );
}

describe('InviteClientTransaction', () => {
  it('sends the INVITE and retransmits on Timer A, doubling from T1, until Timer B (RFC 3261 17.1.1.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    expect(tx.state).toBe('Calling');
    expect(env.transport.firstLines()).toEqual(['INVITE sip:bob@biloxi.example.com SIP/2.0']);
    expect(env.transport.sent[0].dest).toEqual(BOB);
    expect(env.sendTimes(31_990)).toEqual([500, 1500, 3500, 7500, 15500, 31500]);
    expect(user.events).toEqual([]);
    env.advance(10); // 64*T1 = 32 s
    expect(user.events).toEqual(['timeout']);
    expect(tx.state).toBe('Terminated');
    expect(env.transport.sent).toHaveLength(7);
    expect(env.table.size).toBe(0);
    env.pool.assertAllFree();
  });

  it('does not retransmit over a reliable transport; Timer B still times out (17.1.1.2)', () => {
    const env = setup({ proto: 'tcp' });
    const user = clientUser();
    env.send(INVITE, user);
    expect(env.sendTimes(32_000)).toEqual([]);
    expect(user.events).toEqual(['timeout']);
    env.pool.assertAllFree();
  });

  it('moves Calling -> Proceeding on a 1xx, passes it up, stops Timers A and B (17.1.1.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    env.advance(500);
    tx.receive(msg(response('180 Ringing')));
    expect(tx.state).toBe('Proceeding');
    tx.receive(msg(response('183 Session Progress')));
    expect(user.events).toEqual(['response 180', 'response 183']);
    expect(env.sendTimes(60_000)).toEqual([]);
    expect(tx.state).toBe('Proceeding');
    expect(user.events).toEqual(['response 180', 'response 183']);
    env.table.close();
    env.pool.assertAllFree();
  });

  it('on a 486 in Proceeding: Completed, passes it up once, sends the ACK to the INVITE destination (17.1.1.2, 17.1.1.3)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    tx.receive(msg(response('180 Ringing', '')));
    tx.receive(msg(response('486 Busy Here')));
    expect(tx.state).toBe('Completed');
    expect(user.events).toEqual(['response 180', 'response 486']);
    expect(env.transport.firstLines()).toEqual([
      'INVITE sip:bob@biloxi.example.com SIP/2.0',
      'ACK sip:bob@biloxi.example.com SIP/2.0',
    ]);
    const ack = env.transport.sent[1];
    expect(ack.dest).toEqual(BOB);
    // 17.1.1.3: same branch as the INVITE, To from the response, CSeq number with method ACK.
    expect(ack.text).toContain(`branch=${BRANCH}`);
    expect(ack.text).toContain('tag=8321234356');
    expect(ack.text).toContain('314159 ACK');
  });

  it('absorbs a retransmitted final in Completed by re-sending the same ACK, not passing it up (17.1.1.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    tx.receive(msg(response('486 Busy Here')));
    tx.receive(msg(response('486 Busy Here')));
    tx.receive(msg(response('486 Busy Here')));
    expect(user.events).toEqual(['response 486']);
    const sent = env.transport.sent;
    expect(env.transport.firstLines().slice(1)).toEqual([
      'ACK sip:bob@biloxi.example.com SIP/2.0',
      'ACK sip:bob@biloxi.example.com SIP/2.0',
      'ACK sip:bob@biloxi.example.com SIP/2.0',
    ]);
    expect(sent[3].text).toBe(sent[1].text);
  });

  it('stays Completed for Timer D (32 s unreliable), then terminates and frees its chunks (17.1.1.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    env.advance(700); // one retransmission on the way
    tx.receive(msg(response('603 Decline')));
    expect(env.sendTimes(31_990)).toEqual([]); // Timer A stopped
    expect(tx.state).toBe('Completed');
    env.advance(10);
    expect(tx.state).toBe('Terminated');
    expect(tx.endReason).toBe('completed');
    expect(env.terminated).toEqual([tx]);
    env.pool.assertAllFree();
  });

  it('terminates at once after the ACK over a reliable transport (Timer D = 0, 17.1.1.2)', () => {
    const env = setup({ proto: 'tcp' });
    const user = clientUser();
    const tx = env.send(INVITE, user);
    tx.receive(msg(response('404 Not Found')));
    expect(env.transport.firstLines()[1]).toBe('ACK sip:bob@biloxi.example.com SIP/2.0');
    expect(tx.state).toBe('Terminated');
    expect(user.events).toEqual(['response 404']);
    env.pool.assertAllFree();
  });

  it('moves to Accepted on a 2xx, passes it and its retransmissions up, drops non-2xx (RFC 6026 7.2)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    tx.receive(msg(response('180 Ringing')));
    tx.receive(msg(response('200 OK')));
    expect(tx.state).toBe('Accepted');
    tx.receive(msg(response('200 OK')));
    tx.receive(msg(response('200 OK', ';tag=otherfork')));
    tx.receive(msg(response('486 Busy Here')));
    tx.receive(msg(response('180 Ringing')));
    expect(user.events).toEqual(['response 180', 'response 200', 'response 200', 'response 200']);
    // The transaction sends no ACK for a 2xx (the TU does, 13.2.2.4) and no retransmission.
    expect(env.sendTimes(31_990)).toEqual([]);
    expect(env.transport.sent).toHaveLength(1);
    expect(tx.state).toBe('Accepted');
    env.advance(10); // Timer M = 64*T1
    expect(tx.state).toBe('Terminated');
    env.pool.assertAllFree();
  });

  it('informs the TU and terminates when the INVITE cannot be sent (17.1.4)', () => {
    const env = setup();
    const user = clientUser();
    env.transport.failNext(new Error('ENETUNREACH'));
    const tx = env.send(INVITE, user);
    expect(tx.state).toBe('Terminated');
    expect(tx.endReason).toBe('transport-error');
    expect(user.events).toEqual(['transport-error ENETUNREACH']);
    expect(env.table.counters.transportErrors).toBe(1);
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('passes the final up, then reports a failed ACK send and terminates (17.1.4)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    env.transport.failNext(new Error('ENOBUFS'));
    tx.receive(msg(response('486 Busy Here')));
    expect(user.events).toEqual(['response 486', 'transport-error ENOBUFS']);
    expect(tx.state).toBe('Terminated');
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('informs the TU when a retransmission fails (17.1.4)', () => {
    const env = setup();
    const user = clientUser();
    const tx = env.send(INVITE, user);
    env.transport.failNext(new Error('EHOSTUNREACH'));
    env.advance(500);
    expect(user.events).toEqual(['transport-error EHOSTUNREACH']);
    expect(tx.state).toBe('Terminated');
    env.pool.assertAllFree();
  });

  it('keeps the INVITE bytes while a send is in flight after termination, frees them on done', () => {
    const env = setup({ deferDone: true });
    const user = clientUser();
    const tx = env.send(INVITE, user);
    env.advance(500); // a retransmission, also in flight
    expect(env.transport.pendingCount).toBe(2);
    tx.receive(msg(response('486 Busy Here')));
    env.advance(32_000);
    expect(tx.state).toBe('Terminated');
    expect(() => env.pool.assertAllFree()).toThrow(/leaked/);
    env.transport.complete();
    env.pool.assertAllFree();
  });
});
