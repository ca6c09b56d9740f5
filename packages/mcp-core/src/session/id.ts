/**
 * @module Legacy session ids (SES-02): 128 random bits from the Web Crypto API, lowercase hex.
 */

const HEX = '0123456789abcdef';

/** Bytes of randomness in a session id (128 bits). */
const SESSION_ID_BYTES = 16;

/** Longest session id {@link isValidSessionId} accepts. */
export const MAX_SESSION_ID_LENGTH = 128;

/**
 * A fresh session id: 128 bits from `crypto.getRandomValues`, as 32 lowercase hex characters.
 * SES-02: globally unique, cryptographically secure, non-deterministic, visible ASCII only.
 */
export function createSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES));
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
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
