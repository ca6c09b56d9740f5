/**
 * @module Task ids (SEC-03, TK1-10, TKX-11): 144 random bits from the Web Crypto API, base64url.
 *
 * A task id is a bearer handle: whoever knows it may be able to poll or cancel the task when no
 * principal binds it, so it must be unguessable (SEC-03: at least 128 bits). 18 bytes encode to
 * exactly 24 base64url characters (`A–Z a–z 0–9 - _`), which are safe in URLs, JSON and the
 * `Mcp-Name` header (TKX-11, HDR-03) without escaping.
 */

/** Bytes of randomness in a task id: 144 bits (SEC-03 asks for at least 128). */
export const TASK_ID_BYTES = 18;

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A fresh, unguessable task id (SEC-03, TKX-11): 144 bits from `crypto.getRandomValues`, as 24
 * base64url characters with no padding.
 * @returns The id.
 */
export function createTaskId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TASK_ID_BYTES));
  let out = '';
  // 18 bytes = 6 groups of 3 bytes = 24 characters; no padding needed.
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!;
  }
  return out;
}
