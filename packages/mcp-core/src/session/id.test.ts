import { describe, expect, it } from 'vitest';
import { MAX_SESSION_ID_LENGTH, createSessionId, isValidSessionId } from './id';

describe('createSessionId', () => {
  it('SES-02: 128 bits as 32 lowercase hex chars', () => {
    const id = createSessionId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(isValidSessionId(id)).toBe(true);
  });

  it('SES-02: visible ASCII only', () => {
    for (let i = 0; i < 100; i++) {
      for (const ch of createSessionId()) {
        const c = ch.charCodeAt(0);
        expect(c >= 0x21 && c <= 0x7e).toBe(true);
      }
    }
  });

  it('SES-02: unique across many draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(createSessionId());
    expect(seen.size).toBe(10_000);
  });
});

describe('isValidSessionId', () => {
  it('accepts 1..128 visible ASCII characters', () => {
    expect(isValidSessionId('a')).toBe(true);
    expect(isValidSessionId('!~')).toBe(true);
    expect(isValidSessionId('x'.repeat(MAX_SESSION_ID_LENGTH))).toBe(true);
    expect(isValidSessionId('AZaz09-_.~!"#$%&\'()*+,/:;<=>?@[\\]^`{|}')).toBe(true);
  });

  it('rejects empty, too long, and non-visible characters (SES-02)', () => {
    expect(isValidSessionId('')).toBe(false);
    expect(isValidSessionId('x'.repeat(MAX_SESSION_ID_LENGTH + 1))).toBe(false);
    expect(isValidSessionId('a b')).toBe(false);
    expect(isValidSessionId('a\tb')).toBe(false);
    expect(isValidSessionId('a\nb')).toBe(false);
    expect(isValidSessionId('a\x7fb')).toBe(false);
    expect(isValidSessionId('a\x00b')).toBe(false);
    expect(isValidSessionId('é')).toBe(false);
    expect(isValidSessionId(undefined as unknown as string)).toBe(false);
  });
});
