// TransactionTable: matching (RFC 3261 17.1.3, 17.2.3 with the RFC 2543 fallback), CANCEL lookup
// (9.2), counters and chunk accounting.
import { describe, expect, it } from 'vitest';
import { ALICE, clientUser, deliver, msg, serverUser, setup, sip } from './support';

const DIALOG = [
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
];

function request(method: string, opts: { via?: string; cseq?: string; ruri?: string; to?: string; from?: string } = {}): string {
  return sip(
    `${method} ${opts.ruri ?? 'sip:bob@biloxi.example.com'} SIP/2.0`,
    `Via: ${opts.via ?? 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds'}`,
    'Max-Forwards: 70',
    `To: Bob <sip:bob@biloxi.example.com>${opts.to ?? ''}`,
    opts.from ?? DIALOG[0],
    DIALOG[1],
    `CSeq: ${opts.cseq ?? `314159 ${method}`}`,
    'Content-Length: 0',
  );
}

function response(status: string, via: string, cseq: string, toTag = ';tag=a6c85cf'): string {
  return sip(
    `SIP/2.0 ${status}`,
    `Via: ${via}`,
    `To: Bob <sip:bob@biloxi.example.com>${toTag}`,
    ...DIALOG,
    `CSeq: ${cseq}`,
    'Content-Length: 0',
  );
}

describe('TransactionTable server matching (RFC 3261 17.2.3)', () => {
  it('matches a retransmission by branch, sent-by and method', () => {
    const env = setup();
    const tx = env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    expect(env.table.matchServer(msg(request('INVITE')), ALICE)).toBe(tx);
    // sent-by hosts compare case-insensitively
    const upper = 'SIP/2.0/UDP PC33.Atlanta.Example.COM;branch=z9hG4bK776asdhds';
    expect(env.table.matchServer(msg(request('INVITE', { via: upper })), ALICE)).toBe(tx);
  });

  it('does not match another sent-by or another method with the same branch', () => {
    const env = setup();
    env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    const otherHost = 'SIP/2.0/UDP pc34.atlanta.example.com;branch=z9hG4bK776asdhds';
    const otherPort = 'SIP/2.0/UDP pc33.atlanta.example.com:5070;branch=z9hG4bK776asdhds';
    expect(env.table.matchServer(msg(request('INVITE', { via: otherHost })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(request('INVITE', { via: otherPort })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(request('OPTIONS', { cseq: '314159 OPTIONS' })), ALICE)).toBeUndefined();
  });

  it('matches the ACK of a non-2xx to the INVITE transaction', () => {
    const env = setup();
    const tx = env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    env.respond(tx, response('486 Busy Here', 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', '314159 INVITE'));
    expect(deliver(env, request('ACK', { to: ';tag=a6c85cf' }))).toBe(tx);
    expect(tx.state).toBe('Confirmed');
  });

  it('does not match a CANCEL to the INVITE transaction; it gets its own, found again on retransmission', () => {
    const env = setup();
    const invite = env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    const cancel = msg(request('CANCEL'));
    expect(env.table.matchServer(cancel, ALICE)).toBeUndefined();
    const cancelTx = env.table.createServer(cancel, ALICE, env.transport, serverUser());
    expect(cancelTx.kind).toBe('nist');
    expect(env.table.matchServer(msg(request('CANCEL')), ALICE)).toBe(cancelTx);
    expect(env.table.matchServer(msg(request('INVITE')), ALICE)).toBe(invite);
  });

  it('findInviteForCancel finds the INVITE by branch and sent-by (RFC 3261 9.2)', () => {
    const env = setup();
    const invite = env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    env.table.createServer(msg(request('OPTIONS', { cseq: '1 OPTIONS', via: 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKopt' })), ALICE, env.transport, serverUser());
    expect(env.table.findInviteForCancel(msg(request('CANCEL')))).toBe(invite);
    const otherBranch = 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKopt';
    expect(env.table.findInviteForCancel(msg(request('CANCEL', { via: otherBranch })))).toBeUndefined();
  });
});

describe('TransactionTable RFC 2543 fallback matching (RFC 3261 17.2.3, last paragraphs)', () => {
  const VIA_2543 = 'SIP/2.0/UDP pc33.atlanta.example.com:5060';
  const legacy = (method: string, opts: Parameters<typeof request>[1] = {}) => request(method, { via: VIA_2543, ...opts });

  it('matches a retransmitted INVITE on Request-URI, tags, Call-ID, CSeq and top Via', () => {
    const env = setup();
    const tx = env.table.createServer(msg(legacy('INVITE')), ALICE, env.transport, serverUser());
    expect(env.table.matchServer(msg(legacy('INVITE')), ALICE)).toBe(tx);
    expect(env.table.matchServer(msg(legacy('INVITE', { cseq: '314160 INVITE' })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(legacy('INVITE', { ruri: 'sip:tom@biloxi.example.com' })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(legacy('INVITE', { to: ';tag=x1' })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(legacy('INVITE', { from: 'From: <sip:alice@atlanta.example.com>;tag=99' })), ALICE)).toBeUndefined();
    expect(env.table.matchServer(msg(legacy('INVITE', { via: 'SIP/2.0/UDP pc33.atlanta.example.com:5070' })), ALICE)).toBeUndefined();
    // a non-cookie branch is part of the top Via, compared as is
    expect(env.table.matchServer(msg(legacy('INVITE', { via: `${VIA_2543};branch=1` })), ALICE)).toBeUndefined();
  });

  it('matches the ACK by the To tag of the response the transaction sent', () => {
    const env = setup();
    const tx = env.table.createServer(msg(legacy('INVITE')), ALICE, env.transport, serverUser());
    // before any final, no ACK belongs to the transaction
    expect(env.table.matchServer(msg(legacy('ACK', { cseq: '314159 ACK', to: ';tag=a6c85cf' })), ALICE)).toBeUndefined();
    env.respond(tx, response('486 Busy Here', VIA_2543, '314159 INVITE', ';tag=a6c85cf'));
    expect(env.table.matchServer(msg(legacy('ACK', { cseq: '314159 ACK', to: ';tag=otherfork' })), ALICE)).toBeUndefined();
    expect(deliver(env, legacy('ACK', { cseq: '314159 ACK', to: ';tag=a6c85cf' }))).toBe(tx);
    expect(tx.state).toBe('Confirmed');
  });

  it('matches a tagless ACK to a tagless legacy final, and only once the final was sent', () => {
    const env = setup();
    const tx = env.table.createServer(msg(legacy('INVITE')), ALICE, env.transport, serverUser());
    const ack = legacy('ACK', { cseq: '314159 ACK' });
    expect(env.table.matchServer(msg(ack), ALICE)).toBeUndefined();
    env.respond(tx, response('404 Not Found', VIA_2543, '314159 INVITE', ''));
    expect(env.table.matchServer(msg(ack), ALICE)).toBe(tx);
  });

  it('findInviteForCancel matches a 2543 CANCEL on the INVITE fields with CSeq method CANCEL (9.2)', () => {
    const env = setup();
    const tx = env.table.createServer(msg(legacy('INVITE')), ALICE, env.transport, serverUser());
    expect(env.table.findInviteForCancel(msg(legacy('CANCEL')))).toBe(tx);
    expect(env.table.findInviteForCancel(msg(legacy('CANCEL', { cseq: '2 CANCEL' })))).toBeUndefined();
    // and the CANCEL does not match the INVITE as a request of its own
    expect(env.table.matchServer(msg(legacy('CANCEL')), ALICE)).toBeUndefined();
  });
});

describe('TransactionTable client matching (RFC 3261 17.1.3)', () => {
  const VIA = 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKshared';

  it('tells an INVITE from the CANCEL sharing its branch by the CSeq method', () => {
    const env = setup();
    const invite = env.send(request('INVITE', { via: VIA }), clientUser());
    const cancel = env.send(request('CANCEL', { via: VIA }), clientUser());
    expect(env.table.matchClient(msg(response('200 OK', VIA, '314159 CANCEL')))).toBe(cancel);
    expect(env.table.matchClient(msg(response('487 Request Terminated', VIA, '314159 INVITE')))).toBe(invite);
    expect(env.table.matchClient(msg(response('200 OK', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKother', '314159 INVITE')))).toBeUndefined();
    expect(env.table.matchClient(msg(response('200 OK', VIA, '314159 BYE')))).toBeUndefined();
  });

  it('refuses a request without a z9hG4bK branch, and an ACK, releasing the chunk', () => {
    const env = setup();
    expect(() => env.send(request('OPTIONS', { via: 'SIP/2.0/UDP 192.0.2.1', cseq: '1 OPTIONS' }), clientUser())).toThrow(/branch/);
    expect(() => env.send(request('ACK', { via: VIA }), clientUser())).toThrow(/ACK/);
    env.pool.assertAllFree();
  });
});

describe('TransactionTable bookkeeping', () => {
  it('counts created transactions by kind and the live size; onTerminated sees each end', () => {
    const env = setup();
    const c = env.table.counters;
    env.send(request('INVITE', { via: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa' }), clientUser());
    env.send(request('BYE', { via: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb', cseq: '2 BYE' }), clientUser());
    const ist = env.table.createServer(msg(request('INVITE')), ALICE, env.transport, serverUser());
    env.table.createServer(msg(request('OPTIONS', { cseq: '3 OPTIONS' })), ALICE, env.transport, serverUser());
    expect([c.created, c.createdInviteClient, c.createdNonInviteClient, c.createdInviteServer, c.createdNonInviteServer])
      .toEqual([4, 1, 1, 1, 1]);
    expect(env.table.size).toBe(4);
    env.respond(ist, response('200 OK', 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds', '314159 INVITE'));
    env.advance(32_000); // every timer (B, F, L, ...) has run out
    expect(env.table.size).toBe(1); // the OPTIONS server transaction waits for its TU
    expect(env.terminated).toHaveLength(3);
    expect(c.terminated).toBe(3);
    expect(c.timeouts).toBe(2);
    env.table.close();
    expect(env.table.size).toBe(0);
    expect(env.wheel.armedCount).toBe(0);
    env.pool.assertAllFree();
  });

  it('refuses to make a transaction for an ACK (RFC 3261 17)', () => {
    const env = setup();
    expect(() => env.table.createServer(msg(request('ACK')), ALICE, env.transport, serverUser())).toThrow(/ACK/);
  });
});
