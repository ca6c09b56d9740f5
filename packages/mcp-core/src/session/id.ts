/**
 * @module Legacy session ids (SES-02): 128 random bits from the Web Crypto API, lowercase hex.
 */

/** Bytes of randomness in a session id (128 bits). */
const SESSION_ID_BYTES = 16;
/** Longest session id {@link isValidSessionId} accepts. */
export const MAX_SESSION_ID_LENGTH = 128;

// Char codes of '0'..'9', 'a'..'f'.
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
// Randomness is drawn for 64 ids at a time and each byte is used once; the id's characters are written into a
// reused buffer and become one flat string: no per-id buffers or intermediate strings (W4: garbage per initialize).
const pool = new Uint8Array(SESSION_ID_BYTES * 64);
let poolAt = pool.length;
const chars = new Uint8Array(SESSION_ID_BYTES * 2);

/**
 * A fresh session id: 128 bits from `crypto.getRandomValues`, as 32 lowercase hex characters.
 * SES-02: globally unique, cryptographically secure, non-deterministic, visible ASCII only.
 */
export function createSessionId(): string {
  if (poolAt === pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  for (let i = 0; i < SESSION_ID_BYTES; i++) {
    const b = pool[poolAt + i]!;
    chars[2 * i] = HEX_CODES[b >> 4]!;
    chars[2 * i + 1] = HEX_CODES[b & 15]!;
  }
  // The bytes are spent: wipe them so that the pool only ever holds unused randomness.
  pool.fill(0, poolAt, poolAt + SESSION_ID_BYTES);
  poolAt += SESSION_ID_BYTES;
  return String.fromCharCode.apply(null, chars as unknown as number[]);
}

/**
 * Whether `s` is an acceptable `Mcp-Session-Id` value: 1 to 128 characters, each visible ASCII
 * 0x21–0x7E (SES-02). Says nothing about whether the id was ever issued (that is SES-05's 404).
 */
export function isValidSessionId(s: string): boolean {
  if (typeof s !== 'string' || s.length < 1 || s.length > MAX_SESSION_ID_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
