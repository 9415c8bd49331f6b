// name-addr / addr-spec (RFC 3261 §20.10, §25.1), Contact parameters (§20.10, §10.2.1), and the
// comma-list and header-parameter readers beneath them (§7.3.1).
import { describe, expect, it } from 'vitest';
import { parseContact, parseQValue } from '../../../../firmware/src/engine/sip/headers/contact';
import { parseNameAddr } from '../../../../firmware/src/engine/sip/headers/name-addr';
import { ValueSpan, headerParam, nextListValue } from '../../../../firmware/src/engine/sip/headers/params';

const PLACE = { lineStart: 0, lineEnd: 0, onlyValueOnLine: true, removeStart: 0, removeEnd: 0 };

function na(text: string) {
  const b = Buffer.from(text, 'utf8');
  return parseNameAddr(b, 0, b.length, PLACE);
}

describe('parseNameAddr', () => {
  it('reads a quoted display name with escapes, the URI inside <>, and parameters', () => {
    const v = na('"Bob \\"the\\" \\\\ Builder" <sip:bob@biloxi.example.com;transport=tcp>;tag=a6c85cf;x=1');
    expect(v.valid).toBe(true);
    expect(v.display()).toBe('Bob "the" \\ Builder');
    expect(v.uri().host).toBe('biloxi.example.com');
    expect(v.uri().transport()).toBe('tcp');
    expect(v.tag()).toBe('a6c85cf');
    expect(v.param('X')).toBe('1');
    expect(v.param('transport')).toBeUndefined();
  });

  it('reads an unquoted token display name, and UTF-8 (seen unquoted in the wild)', () => {
    expect(na('Alice Liddell <sip:alice@example.com>').display()).toBe('Alice Liddell');
    expect(na('Zoë <sip:z@example.com>').display()).toBe('Zoë');
    expect(na('<sip:alice@example.com>').display()).toBeNull();
    expect(na('"" <sip:alice@example.com>').display()).toBe('');
  });

  it('gives header parameters of an addr-spec to the header, not the URI (RFC 3261 20.10)', () => {
    const v = na('sip:alice@example.com;tag=88sja8x;user=phone');
    expect(v.tag()).toBe('88sja8x');
    expect(v.param('user')).toBe('phone');
    expect(v.uri().param('user')).toBeUndefined();
    expect(v.uri().host).toBe('example.com');
    expect(v.display()).toBeNull();
  });

  it('keeps URI parameters inside <> with the URI', () => {
    const v = na('<sip:alice@example.com;user=phone>;tag=1');
    expect(v.uri().param('user')).toBe('phone');
    expect(v.param('user')).toBeUndefined();
    expect(v.tag()).toBe('1');
  });

  it('records URI offsets and the place for a tag', () => {
    const text = '"A" <sip:a@b.example>';
    const v = na(text);
    expect(text.slice(v.uriStart, v.uriEnd)).toBe('sip:a@b.example');
    expect([v.start, v.end, v.tagEnd]).toEqual([0, text.length, text.length]);
    expect(v.tag()).toBeNull();
  });

  it('reads a quoted parameter value, unquoted', () => {
    expect(na('<sip:a@b>;+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>"').param('+sip.instance')).toBe(
      '<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>',
    );
  });

  it('marks malformed values invalid without failing', () => {
    for (const t of ['', '"unterminated <sip:a@b>', 'Bell, A <sip:a@b>', '<sip:a@b', '< sip:a@b >', '<sip:a@b> x', 'sip:a@b;;tag=1', 'no-scheme', '"A" sip:a@b', 'A B sip:a@b']) {
      const v = na(t);
      expect(v.valid, t).toBe(false);
      expect(v.display()).toBeNull();
      expect(v.uri().host).toBe('');
      expect(v.tag()).toBeNull();
      expect(v.param('tag')).toBeUndefined();
    }
  });
});

describe('Contact', () => {
  function contact(text: string) {
    const b = Buffer.from(text);
    return parseContact(b, 0, b.length, PLACE);
  }

  it('reads expires in seconds and q in thousandths', () => {
    const c = contact('<sip:a@192.0.2.1>;q=0.25;expires=3600');
    expect([c.expires, c.q, c.star]).toEqual([3600, 250, false]);
  });

  it('treats out-of-range or malformed values as absent (RFC 4475 3.1.2.4)', () => {
    expect(contact('<sip:a@b>;expires=4294967296').expires).toBe(-1);
    expect(contact('<sip:a@b>;expires=4294967295').expires).toBe(4294967295);
    expect(contact('<sip:a@b>;expires').expires).toBe(-1);
    expect(contact('<sip:a@b>;q=2').q).toBe(-1);
  });

  it('reads * alone', () => {
    const c = contact('*');
    expect([c.star, c.valid, c.expires, c.q]).toEqual([true, true, -1, -1]);
  });

  it('parses qvalue = 0[.ddd] / 1[.000] (RFC 3261 25.1)', () => {
    const table: Array<[string, number]> = [
      ['0', 0], ['1', 1000], ['0.5', 500], ['0.05', 50], ['0.001', 1], ['1.0', 1000], ['1.000', 1000], ['0.', 0],
      ['1.5', -1], ['0.1234', -1], ['2', -1], ['', -1], ['.5', -1], ['0,5', -1], ['0.x', -1],
    ];
    for (const [text, q] of table) expect(parseQValue(text), text).toBe(q);
  });
});

describe('comma lists and header parameters', () => {
  function values(text: string): string[] {
    const b = Buffer.from(text);
    const out: string[] = [];
    const span = new ValueSpan();
    let pos = 0;
    while ((pos = nextListValue(b, pos, b.length, span)) >= 0) out.push(text.slice(span.start, span.end));
    return out;
  }

  it('splits at commas outside quotes and <> and skips empty values', () => {
    expect(values('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(values('"x, y" <sip:a@b>, <sip:c,d@e>;p="1,2"')).toEqual(['"x, y" <sip:a@b>', '<sip:c,d@e>;p="1,2"']);
    expect(values(' , ,a,, ')).toEqual(['a']);
    expect(values('"a\\", b", c')).toEqual(['"a\\", b"', 'c']);
    expect(values('')).toEqual([]);
  });

  it('runs an unterminated quote or < to the end instead of failing', () => {
    expect(values('"open, b')).toEqual(['"open, b']);
    expect(values('<sip:a, b')).toEqual(['<sip:a, b']);
  });

  it('finds header parameters by name, case-insensitively, flags as null', () => {
    const b = Buffer.from(' ; Tag = abc ;lr; q=0.5');
    expect(headerParam(b, 0, b.length, 'tag')).toBe('abc');
    expect(headerParam(b, 0, b.length, 'lr')).toBeNull();
    expect(headerParam(b, 0, b.length, 'q')).toBe('0.5');
    expect(headerParam(b, 0, b.length, 'x')).toBeUndefined();
  });
});
