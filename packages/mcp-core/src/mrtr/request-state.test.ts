import { describe, expect, it } from 'vitest';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { createRequestStateCodec, memorySingleUse, type StateBinding } from './request-state';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER_SECRET = 'another-secret-that-is-also-long-enough-9876';
const T0 = 1_800_000_000_000;
const binding: StateBinding = { method: 'tools/call', name: 'book_flight', principal: 'user-42' };

/** Asserts that `promise` rejects with the MRTR-05 McpError for `reason`. */
async function expectRejection(promise: Promise<unknown>, reason: string): Promise<McpError> {
  const error = await promise.then(
    () => {
      throw new Error('expected open() to reject');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  const mcp = error as McpError;
  expect(mcp.code).toBe(ErrorCode.InvalidParams);
  expect(mcp.data).toEqual({ reason });
  expect(mcp.message).toMatch(/^Invalid requestState: /);
  return mcp;
}

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): string {
  const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Builds a correctly signed token around arbitrary JSON text, to reach the checks behind the signature. */
async function forge(jsonText: string, secret = SECRET): Promise<string> {
  const enc = new TextEncoder();
  const body = b64url(enc.encode(jsonText));
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)));
  return `${body}.${b64url(mac)}`;
}

/** Replaces the character at `index` with a different base64url character. */
function flipChar(text: string, index: number): string {
  const c = text[index];
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

describe('createRequestStateCodec: round trip', () => {
  it('returns user state and answers exactly as sealed', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const payload = {
      user: { step: 2, cart: ['a', 'b'], nested: { ok: true, n: null } },
      answers: { confirm: { action: 'accept', content: { seat: '12A' } }, city: 'Lisbon' },
    };
    const token = await codec.seal(payload, binding, T0);
    expect(typeof token).toBe('string');
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    await expect(codec.open(token, binding, T0 + 1)).resolves.toEqual(payload);
  });

  it('omits user and answers when none were sealed', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const opened = await codec.open(await codec.seal({}, binding, T0), binding, T0);
    expect(opened).toEqual({});
    expect('user' in opened).toBe(false);
    expect('answers' in opened).toBe(false);
  });

  it('keeps falsy user states (null, 0, empty string, false)', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    for (const user of [null, 0, '', false]) {
      const opened = await codec.open(await codec.seal({ user }, binding, T0), binding, T0);
      expect(opened).toEqual({ user });
      expect('user' in opened).toBe(true);
    }
  });

  it('preserves unicode in user state (accents, CJK, emoji, RTL, lone escapes)', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const user = { text: 'Zürich – 東京 – 🚀👩‍👩‍👧 – مرحبا', key: '💡', escapes: '\u0000\n"\\' };
    const opened = await codec.open(await codec.seal({ user, answers: { 'ключ-🔑': 'värde' } }, binding, T0), binding, T0);
    expect(opened).toEqual({ user, answers: { 'ключ-🔑': 'värde' } });
  });

  it('lets two codecs with the same secret open each other’s tokens (several server instances)', async () => {
    const a = createRequestStateCodec({ secret: SECRET });
    const b = createRequestStateCodec({ secret: new TextEncoder().encode(SECRET) });
    await expect(b.open(await a.seal({ user: 'x' }, binding, T0), binding, T0)).resolves.toEqual({ user: 'x' });
    await expect(a.open(await b.seal({ user: 'y' }, binding, T0), binding, T0)).resolves.toEqual({ user: 'y' });
  });

  it('uses one random default secret per process, so default codecs interoperate', async () => {
    const a = createRequestStateCodec();
    const b = createRequestStateCodec();
    await expect(b.open(await a.seal({ user: 1 }, binding), binding)).resolves.toEqual({ user: 1 });
    const withSecret = createRequestStateCodec({ secret: SECRET });
    await expectRejection(withSecret.open(await a.seal({ user: 1 }, binding), binding), 'signature');
  });

  it('is not affected by later changes to the caller’s secret bytes', async () => {
    const bytes = new TextEncoder().encode(SECRET);
    const codec = createRequestStateCodec({ secret: bytes });
    const token = await codec.seal({ user: 1 }, binding, T0);
    bytes.fill(0);
    await expect(codec.open(token, binding, T0)).resolves.toEqual({ user: 1 });
  });

  it('does not reflect later mutations of the sealed payload object', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const user = { count: 1 };
    const token = await codec.seal({ user }, binding, T0);
    user.count = 99;
    await expect(codec.open(token, binding, T0)).resolves.toEqual({ user: { count: 1 } });
  });
});

describe('createRequestStateCodec: integrity (signature)', () => {
  it('rejects a token whose payload part was modified', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: { admin: false } }, binding, T0);
    await expectRejection(codec.open(flipChar(token, 5), binding, T0), 'signature');
  });

  it('rejects a re-encoded payload with elevated state even when it is valid JSON', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: { admin: false } }, binding, T0);
    const [body, sig] = token.split('.') as [string, string];
    const json = fromB64url(body).replace('"admin":false', '"admin":true');
    const forgedBody = b64url(new TextEncoder().encode(json));
    const error = await expectRejection(codec.open(`${forgedBody}.${sig}`, binding, T0), 'signature');
    expect(error.message).toBe('Invalid requestState: signature check failed (it was modified or sealed by another server)');
  });

  it('rejects a token whose signature part was modified', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 1 }, binding, T0);
    await expectRejection(codec.open(flipChar(token, token.indexOf('.') + 1), binding, T0), 'signature');
  });

  it('rejects a payload carrying the signature of another token', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const mine = await codec.seal({ user: { role: 'guest' } }, binding, T0);
    const other = await codec.seal({ user: { role: 'admin' } }, binding, T0);
    const swapped = `${other.split('.')[0]}.${mine.split('.')[1]}`;
    await expectRejection(codec.open(swapped, binding, T0), 'signature');
  });

  it('rejects a token sealed with a different secret', async () => {
    const sealer = createRequestStateCodec({ secret: OTHER_SECRET });
    const opener = createRequestStateCodec({ secret: SECRET });
    await expectRejection(opener.open(await sealer.seal({ user: 1 }, binding, T0), binding, T0), 'signature');
  });

  it('rejects a non-canonical spelling of the signature (no malleable tokens)', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 1 }, binding, T0);
    // The last of 43 characters carries 4 data bits and 2 padding bits; setting a padding bit
    // decodes to the same bytes in a lenient decoder and must not verify.
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const alias = alphabet[alphabet.indexOf(last) | 1] as string;
    expect(alias).not.toBe(last);
    await expectRejection(codec.open(token.slice(0, -1) + alias, binding, T0), 'malformed');
  });
});

describe('createRequestStateCodec: expiry', () => {
  it('opens a token until its ttl runs out, then rejects it as expired', async () => {
    const codec = createRequestStateCodec({ secret: SECRET, ttlMs: 1_000 });
    const token = await codec.seal({ user: 1 }, binding, T0);
    await expect(codec.open(token, binding, T0 + 999)).resolves.toEqual({ user: 1 });
    const error = await expectRejection(codec.open(token, binding, T0 + 1_000), 'expired');
    expect(error.message).toBe('Invalid requestState: expired');
    await expectRejection(codec.open(token, binding, T0 + 86_400_000), 'expired');
  });

  it('defaults to a ten-minute lifetime', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 1 }, binding, T0);
    await expect(codec.open(token, binding, T0 + 599_999)).resolves.toEqual({ user: 1 });
    await expectRejection(codec.open(token, binding, T0 + 600_000), 'expired');
  });

  it('fails closed when open() is given a NaN clock', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 1 }, binding, T0);
    await expectRejection(codec.open(token, binding, Number.NaN), 'expired');
  });

  it('checks the signature before expiry, so a forged expiry cannot extend a token', async () => {
    const codec = createRequestStateCodec({ secret: SECRET, ttlMs: 1_000 });
    const token = await codec.seal({ user: 1 }, binding, T0);
    const [body, sig] = token.split('.') as [string, string];
    const json = fromB64url(body).replace(`"exp":${T0 + 1_000}`, `"exp":${T0 + 10_000_000}`);
    const extended = `${b64url(new TextEncoder().encode(json))}.${sig}`;
    await expectRejection(codec.open(extended, binding, T0 + 5_000), 'signature');
  });
});

describe('createRequestStateCodec: binding', () => {
  const cases: Array<[string, StateBinding]> = [
    ['another method', { ...binding, method: 'prompts/get' }],
    ['another tool name', { ...binding, name: 'cancel_flight' }],
    ['another principal', { ...binding, principal: 'user-43' }],
    ['no principal (anonymous)', { ...binding, principal: undefined }],
    ['an empty-string principal', { ...binding, principal: '' }],
  ];
  for (const [label, other] of cases) {
    it(`rejects a token replayed for ${label}`, async () => {
      const codec = createRequestStateCodec({ secret: SECRET });
      const token = await codec.seal({ user: 1 }, binding, T0);
      const error = await expectRejection(codec.open(token, other, T0), 'binding');
      expect(error.message).toBe('Invalid requestState: it belongs to another request');
    });
  }

  it('rejects an anonymous token presented by an authenticated subject', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const anon = { ...binding, principal: undefined };
    const token = await codec.seal({ user: 1 }, anon, T0);
    await expect(codec.open(token, anon, T0)).resolves.toEqual({ user: 1 });
    await expectRejection(codec.open(token, binding, T0), 'binding');
  });

  it('binds resource URIs as the name', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const read = { method: 'resources/read', name: 'file:///a.txt', principal: undefined };
    const token = await codec.seal({}, read, T0);
    await expect(codec.open(token, read, T0)).resolves.toEqual({});
    await expectRejection(codec.open(token, { ...read, name: 'file:///b.txt' }, T0), 'binding');
  });

  it('rejects rather than throws when open() gets no usable binding', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({}, binding, T0);
    await expectRejection(codec.open(token, null as unknown as StateBinding, T0), 'binding');
  });
});

describe('createRequestStateCodec: malformed input', () => {
  const garbage: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { state: 'x' }],
    ['an empty string', ''],
    ['a string without a dot', 'abcdef'],
    ['a.b', 'a.b'],
    ['three dots', '...'],
    ['a lone dot', '.'],
    ['an empty payload part', `.${'A'.repeat(43)}`],
    ['two dots', `abc.def.${'A'.repeat(43)}`],
    ['a signature of the wrong length', 'eyJ2IjoxfQ.AAAA'],
    ['non-base64url characters', `ab+/.${'A'.repeat(43)}`],
    ['padding characters', `eyJ2IjoxfQ==.${'A'.repeat(43)}`],
    ['an impossible base64 length', `abcde.${'A'.repeat(43)}`],
    ['whitespace', ` eyJ2IjoxfQ.${'A'.repeat(43)}`],
  ];
  for (const [label, token] of garbage) {
    it(`rejects ${label} as malformed`, async () => {
      const codec = createRequestStateCodec({ secret: SECRET });
      await expectRejection(codec.open(token, binding, T0), 'malformed');
    });
  }

  it('rejects a string past the default 1 MiB limit as malformed', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const huge = `${'A'.repeat(1_048_576)}.${'A'.repeat(43)}`;
    await expectRejection(codec.open(huge, binding, T0), 'malformed');
  });

  it('rejects an otherwise valid token longer than maxLength as malformed', async () => {
    const codec = createRequestStateCodec({ secret: SECRET, maxLength: 200 });
    const small = await codec.seal({ user: 1 }, binding, T0);
    expect(small.length).toBeLessThanOrEqual(200);
    await expect(codec.open(small, binding, T0)).resolves.toEqual({ user: 1 });
    const big = await codec.seal({ user: 'x'.repeat(500) }, binding, T0);
    await expectRejection(codec.open(big, binding, T0), 'malformed');
  });

  const signedButBad: Array<[string, string]> = [
    ['text that is not JSON', 'not json'],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"hello"'],
    ['a JSON number', '7'],
    ['an unknown format version', JSON.stringify({ v: 2, method: 'tools/call', name: 'book_flight', principal: 'user-42', exp: T0 + 1 })],
    ['a missing format version', JSON.stringify({ method: 'tools/call', name: 'book_flight', principal: 'user-42', exp: T0 + 1 })],
    ['a missing expiry', JSON.stringify({ v: 1, method: 'tools/call', name: 'book_flight', principal: 'user-42' })],
    ['a string expiry', JSON.stringify({ v: 1, method: 'tools/call', name: 'book_flight', principal: 'user-42', exp: String(T0 + 1) })],
    ['a non-string method', JSON.stringify({ v: 1, method: 1, name: 'book_flight', principal: 'user-42', exp: T0 + 1 })],
    ['a numeric principal', JSON.stringify({ v: 1, method: 'tools/call', name: 'book_flight', principal: 42, exp: T0 + 1 })],
    ['answers that are an array', JSON.stringify({ v: 1, method: 'tools/call', name: 'book_flight', principal: 'user-42', exp: T0 + 1, answers: [] })],
  ];
  for (const [label, json] of signedButBad) {
    it(`rejects a correctly signed token holding ${label} as malformed`, async () => {
      const codec = createRequestStateCodec({ secret: SECRET });
      await expectRejection(codec.open(await forge(json), binding, T0), 'malformed');
    });
  }

  it('rejects a correctly signed payload that is not valid UTF-8 as malformed', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const enc = new TextEncoder();
    const body = b64url(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]));
    const key = await crypto.subtle.importKey('raw', enc.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = b64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body))));
    await expectRejection(codec.open(`${body}.${sig}`, binding, T0), 'malformed');
  });

  it('accepts a forged-format token only when it is well formed and correctly signed (sanity check of the helper)', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const json = JSON.stringify({ v: 1, method: 'tools/call', name: 'book_flight', principal: 'user-42', exp: T0 + 1, user: 'ok' });
    await expect(codec.open(await forge(json), binding, T0)).resolves.toEqual({ user: 'ok' });
  });

  it('never puts the token into the error message or data', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 'secret-ish' }, binding, T0);
    for (const [input, at] of [
      [token, T0 + 10_000_000],
      [flipChar(token, 3), T0],
      [`${token}x`, T0],
    ] as const) {
      const error = await codec.open(input, binding, at).catch((e: unknown) => e as McpError);
      expect(error).toBeInstanceOf(McpError);
      const text = `${(error as McpError).message} ${JSON.stringify((error as McpError).data)}`;
      expect(text).not.toContain(input.slice(0, 12));
      expect(Object.keys((error as McpError).data as object)).toEqual(['reason']);
    }
  });
});

describe('createRequestStateCodec: options', () => {
  it('throws RangeError for a string secret shorter than 32 bytes', () => {
    expect(() => createRequestStateCodec({ secret: 'short' })).toThrow(RangeError);
    expect(() => createRequestStateCodec({ secret: 'x'.repeat(31) })).toThrow(RangeError);
    expect(() => createRequestStateCodec({ secret: '' })).toThrow(RangeError);
  });

  it('throws RangeError for a byte secret shorter than 32 bytes', () => {
    expect(() => createRequestStateCodec({ secret: new Uint8Array(31) })).toThrow(RangeError);
  });

  it('counts UTF-8 bytes, not characters, for string secrets', () => {
    // 11 characters × 3 bytes = 33 bytes.
    expect(() => createRequestStateCodec({ secret: '東'.repeat(11) })).not.toThrow();
    expect(() => createRequestStateCodec({ secret: 'x'.repeat(32) })).not.toThrow();
  });

  it('throws TypeError for a secret that is neither a string nor bytes', () => {
    expect(() => createRequestStateCodec({ secret: 12345 as unknown as string })).toThrow(TypeError);
  });

  it('throws RangeError for a ttlMs that is not a positive finite number', () => {
    for (const ttlMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000' as unknown as number]) {
      expect(() => createRequestStateCodec({ secret: SECRET, ttlMs })).toThrow(RangeError);
    }
  });

  it('throws RangeError for a maxLength that is not a positive finite number', () => {
    for (const maxLength of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createRequestStateCodec({ secret: SECRET, maxLength })).toThrow(RangeError);
    }
  });

  it('creates a codec synchronously and imports the key once, on first use (lazy key import)', async () => {
    const subtle = crypto.subtle;
    const original = subtle.importKey;
    let calls = 0;
    subtle.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
      calls++;
      return original.apply(this, args);
    } as SubtleCrypto['importKey'];
    try {
      const codec = createRequestStateCodec({ secret: SECRET });
      expect(calls).toBe(0);
      const token = await codec.seal({}, binding, T0);
      await codec.open(token, binding, T0);
      await codec.seal({ user: 2 }, binding, T0);
      expect(calls).toBe(1);
    } finally {
      delete (subtle as { importKey?: unknown }).importKey;
      if (subtle.importKey !== original) subtle.importKey = original;
    }
  });

  it('rejects seal() for a binding without a string method or name, and a non-finite clock', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    await expect(codec.seal({}, { method: 1, name: 'x', principal: undefined } as unknown as StateBinding)).rejects.toThrow(TypeError);
    await expect(codec.seal({}, binding, Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe('createRequestStateCodec: single use (MRTR-05)', () => {
  const idOf = (token: string): unknown => JSON.parse(fromB64url(token.split('.')[0]!)).id;

  it('without singleUse a token carries no id and opens any number of times', async () => {
    const codec = createRequestStateCodec({ secret: SECRET });
    const token = await codec.seal({ user: 1 }, binding, T0);
    expect(idOf(token)).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(await codec.open(token, binding, T0)).toEqual({ user: 1 });
  });

  it('singleUse: true gives every token its own random id and opens each once; the second open is "used"', async () => {
    const codec = createRequestStateCodec({ secret: SECRET, singleUse: true });
    const a = await codec.seal({ user: 'a' }, binding, T0);
    const b = await codec.seal({ user: 'a' }, binding, T0);
    expect(idOf(a)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(idOf(a)).not.toBe(idOf(b));
    expect(await codec.open(a, binding, T0)).toEqual({ user: 'a' });
    const error = await expectRejection(codec.open(a, binding, T0), 'used');
    expect(error.message).toMatch(/already used/);
    expect(await codec.open(b, binding, T0)).toEqual({ user: 'a' });
  });

  it('a rejected open (binding, expiry, signature) does not use the token up', async () => {
    const codec = createRequestStateCodec({ secret: SECRET, singleUse: true });
    const token = await codec.seal({}, binding, T0);
    await expectRejection(codec.open(token, { ...binding, name: 'other' }, T0), 'binding');
    await expectRejection(codec.open(flipChar(token, token.length - 5), binding, T0), 'signature');
    expect(await codec.open(token, binding, T0)).toEqual({});
    await expectRejection(codec.open(token, binding, T0 + 700_000), 'expired');
  });

  it('refuses, as malformed, a token sealed without an id (before single use was turned on)', async () => {
    const old = await createRequestStateCodec({ secret: SECRET }).seal({}, binding, T0);
    await expectRejection(createRequestStateCodec({ secret: SECRET, singleUse: true }).open(old, binding, T0), 'malformed');
    // A signed payload whose id is not a string is malformed too.
    const forged = await forge(JSON.stringify({ v: 1, method: binding.method, name: binding.name, principal: binding.principal, exp: T0 + 1000, id: 7 }));
    await expectRejection(createRequestStateCodec({ secret: SECRET }).open(forged, binding, T0), 'malformed');
  });

  it('a singleUse function gets the id and the expiry once per verified token; false means used; what it throws rejects', async () => {
    const calls: [string, number][] = [];
    let answer: boolean | Error = true;
    const codec = createRequestStateCodec({
      secret: SECRET,
      ttlMs: 5000,
      singleUse: async (id, expiresAt) => {
        calls.push([id, expiresAt]);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const token = await codec.seal({}, binding, T0);
    expect(await codec.open(token, binding, T0)).toEqual({});
    expect(calls).toEqual([[idOf(token), T0 + 5000]]);
    answer = false;
    await expectRejection(codec.open(token, binding, T0), 'used');
    answer = new Error('store down');
    await expect(codec.open(token, binding, T0)).rejects.toThrow('store down');
    // Not consulted for a token that fails before it.
    await expectRejection(codec.open(token, binding, T0 + 5000), 'expired');
    expect(calls).toHaveLength(3);
  });

  it('throws TypeError for a singleUse that is neither a boolean nor a function', () => {
    expect(() => createRequestStateCodec({ singleUse: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => createRequestStateCodec({ singleUse: false })).not.toThrow();
  });

  it('the memory guard forgets expired ids as new ones come, and never a live one', () => {
    const firstUse = memorySingleUse();
    // 1,024 ids that expire at T0 + 10, then 3,000 more opened after that: the expired ones are dropped.
    for (let i = 0; i < 1024; i++) expect(firstUse(`old${i}`, T0 + 10, T0)).toBe(true);
    for (let i = 0; i < 3000; i++) expect(firstUse(`new${i}`, T0 + 10_000, T0 + 20)).toBe(true);
    // Live ids are still refused; an expired one is forgotten (its state would be refused as expired anyway).
    expect(firstUse('new0', T0 + 10_000, T0 + 30)).toBe(false);
    expect(firstUse('new2999', T0 + 10_000, T0 + 30)).toBe(false);
    expect(firstUse('old0', T0 + 10, T0 + 30)).toBe(true);
  });
});
