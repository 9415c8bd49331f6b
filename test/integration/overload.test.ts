// A flood cannot eat the memory: past engine.maxTransactions live server transactions, new
// requests are refused statelessly with 503 and Retry-After (RFC 3261 21.5.4).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon';
import { sipText, statusLine, udpClient } from '../helpers/sip-client';

describe('transaction cap (engine.maxTransactions)', () => {
  it('answers 1,000 REGISTERs with 401, then refuses the next ones with 503 + Retry-After', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipbox-overload-'));
    const cfg = join(dir, 'settings.json');
    writeFileSync(cfg, JSON.stringify({ engine: { maxTransactions: 1000 } }));
    const d = await startDaemon({ dataDir: dir, args: ['--config', cfg] });
    const c = await udpClient(d.sipPort);
    try {
      const statuses: string[] = [];
      for (let i = 0; i < 1005; i++) {
        c.send(sipText([`REGISTER sip:127.0.0.1:${d.sipPort} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:PORT;branch=z9hG4bKflood${i}`, 'Max-Forwards: 70',
          `From: <sip:1001@127.0.0.1>;tag=f${i}`, 'To: <sip:1001@127.0.0.1>', `Call-ID: flood${i}@test`, `CSeq: 1 REGISTER`, 'Content-Length: 0'], c.port));
        // Sent one by one so the socket buffers never drop anything: each answer is awaited.
        const r = await c.next(2000);
        statuses.push(statusLine(r));
        if (i === 1004) expect(r).toContain('\r\nRetry-After: 5\r\n');
      }
      expect(statuses.filter((s) => s === 'SIP/2.0 401 Unauthorized')).toHaveLength(1000);
      expect(statuses.slice(1000)).toEqual(Array(5).fill('SIP/2.0 503 Service Unavailable'));
    } finally {
      c.close();
      await d.stop();
    }
  });
});
