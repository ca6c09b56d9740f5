/**
 * @module Sealed `requestState` for 2026-07-28 multi-round-trip requests (checklist MRTR-05).
 *
 * The client echoes `requestState` back verbatim, so it is attacker-controlled input. A sealed
 * state is `<base64url(JSON payload)>.<base64url(HMAC-SHA256 of the first part)>`. The payload
 * carries a format version, the binding (method, name, principal), an expiry in epoch ms and the
 * server's {@link StatePayload}. It is signed, not encrypted: the client can read it, so keep
 * secrets out of it.
 *
 * Web APIs only (`crypto.subtle`, `crypto.getRandomValues`, `TextEncoder`, `btoa`/`atob`).
 */
import { isPlainObject } from '../plain-object';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';

/** What the server keeps across MRTR rounds. */
export interface StatePayload {
  /** The handler's own state (any JSON value), if it set one. */
  user?: unknown;
  /** Answers to input requests of earlier rounds, by key. */
  answers?: Record<string, unknown>;
}

/** What a requestState must be bound to. */
export interface StateBinding {
  /** The request method, e.g. `'tools/call'`. */
  method: string;
  /** The tool or prompt name, or the resource URI. */
  name: string;
  /** The authenticated subject (`authInfo.subject`), or undefined for an anonymous request. */
  principal: string | undefined;
}

/** Seals and opens `requestState` tokens. Create one with {@link createRequestStateCodec}. */
export interface RequestStateCodec {
  /**
   * Seals a payload into an opaque string bound to `binding`, expiring after the codec's ttl.
   * The payload goes through JSON, so only JSON values survive (e.g. a `Date` becomes a string).
   * @param payload The state to keep.
   * @param binding The request the state belongs to.
   * @param now The current time in epoch ms (default `Date.now()`).
   * @returns The token to send as `requestState`.
   * @throws TypeError when the payload or binding cannot be sealed; RangeError for a bad `now`.
   */
  seal(payload: StatePayload, binding: StateBinding, now?: number): Promise<string>;
  /**
   * Verifies and opens a token. Rejects with McpError(-32602, message naming the problem,
   * data `{ reason }`) where reason is one of `'malformed' | 'signature' | 'expired' | 'binding'`, or `'used'` for
   * a second opening under `singleUse`.
   * @param token The `requestState` the client sent (anything).
   * @param binding The request it must belong to.
   * @param now The current time in epoch ms (default `Date.now()`).
   * @returns The payload that was sealed.
   */
  open(token: unknown, binding: StateBinding, now?: number): Promise<StatePayload>;
}

/** Options of {@link createRequestStateCodec}. */
export interface RequestStateOptions {
  /** HMAC key material: a string (UTF-8) or bytes, at least 32 bytes. Default: 32 random bytes per process. */
  secret?: string | Uint8Array;
  /** Lifetime of a sealed state in ms. Default 600_000 (10 min). */
  ttlMs?: number;
  /** Largest token accepted, in characters (malformed past it). Default 1_048_576. */
  maxLength?: number;
  /**
   * Single use (MRTR-05: enforced server-side where it matters). Each sealed state then carries a random id, and a
   * state opens once: a second `open()` of it rejects with `reason: 'used'`.
   * - `true`: the ids this process opened are kept in memory until their state expires. Enough for one process.
   * - A function: your shared store decides, for several processes. It is called once per state that verified,
   *   with its id and expiry (epoch ms), and returns (or resolves to) true the first time it sees the id and false
   *   after, e.g. Redis `SET id 1 NX PXAT expiresAt`. What it throws rejects the request (fail closed).
   *
   * Default `false`: a state verifies again within its lifetime.
   */
  singleUse?: boolean | SingleUseGuard;
}

/** Decides whether a state id is opened for the first time (see {@link RequestStateOptions.singleUse}). */
export type SingleUseGuard = (id: string, expiresAt: number) => boolean | Promise<boolean>;

/** Why {@link RequestStateCodec.open} rejected a token (the `reason` in the error's data). */
export type RequestStateRejection = 'malformed' | 'signature' | 'expired' | 'binding' | 'used';

const FORMAT_VERSION = 1;
const MIN_SECRET_BYTES = 32;
const DEFAULT_TTL_MS = 600_000;
const DEFAULT_MAX_LENGTH = 1_048_576;
/** base64url length of a 32-byte HMAC-SHA256 without padding. */
const SIGNATURE_CHARS = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const MESSAGES: Record<RequestStateRejection, string> = {
  malformed: 'Invalid requestState: malformed (not a state this server issued)',
  signature: 'Invalid requestState: signature check failed (it was modified or sealed by another server)',
  expired: 'Invalid requestState: expired',
  binding: 'Invalid requestState: it belongs to another request',
  used: 'Invalid requestState: already used (each state opens once; send the request again without it)',
};

/** The JSON inside a token. */
interface SealedJson {
  v: typeof FORMAT_VERSION;
  method: string;
  name: string;
  principal: string | null;
  exp: number;
  /** The state's random id, when the codec enforces single use. */
  id?: string;
  user?: unknown;
  answers?: Record<string, unknown>;
}

let processSecret: Uint8Array<ArrayBuffer> | undefined;

/** The default key: 32 random bytes, drawn once per process (module instance). */
function defaultSecret(): Uint8Array<ArrayBuffer> {
  processSecret ??= crypto.getRandomValues(new Uint8Array(MIN_SECRET_BYTES));
  return processSecret;
}

function reject(reason: RequestStateRejection): McpError {
  return new McpError(ErrorCode.InvalidParams, MESSAGES[reason], { reason });
}

function bytesToBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes canonical unpadded base64url; undefined for anything else (so tokens are not malleable). */
function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Reject non-zero padding bits: only one spelling of each token verifies.
  return bytesToBase64url(bytes) === text ? bytes : undefined;
}


function toSecretBytes(secret: string | Uint8Array | undefined): Uint8Array<ArrayBuffer> {
  if (secret === undefined) return defaultSecret();
  let bytes: Uint8Array<ArrayBuffer>;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = new Uint8Array(secret); // copy: later edits by the caller do not change the key
  else throw new TypeError('requestState secret must be a string or a Uint8Array');
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(`requestState secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function checkPositive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`requestState ${name} must be a positive finite number`);
  }
  return value;
}

/** Parses and checks the JSON of a token whose signature already verified; undefined if malformed. */
function parseSealed(bytes: Uint8Array): SealedJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  const { v, method, name, principal, exp, answers } = value;
  if (v !== FORMAT_VERSION) return undefined;
  if (typeof method !== 'string' || typeof name !== 'string') return undefined;
  if (principal !== null && typeof principal !== 'string') return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  if (answers !== undefined && !isPlainObject(answers)) return undefined;
  if (value.id !== undefined && typeof value.id !== 'string') return undefined;
  return value as unknown as SealedJson;
}

/**
 * The `singleUse: true` guard: the ids opened in this process, each kept until its state expires. Expired ids are
 * dropped as new ones come, in a pass each time the set has doubled since the last one, so it holds about the
 * states opened within one lifetime and sets no timer.
 */
export function memorySingleUse(): (id: string, expiresAt: number, now: number) => boolean {
  const seen = new Map<string, number>();
  let pruneAt = 1024;
  return (id, expiresAt, now) => {
    if (seen.has(id)) return false;
    if (seen.size >= pruneAt) {
      for (const [k, exp] of seen) if (!(now < exp)) seen.delete(k);
      pruneAt = Math.max(1024, seen.size * 2);
    }
    seen.set(id, expiresAt);
    return true;
  };
}

/** The guard of a `singleUse` option, or undefined when states may open again. */
function singleUseGuard(option: RequestStateOptions['singleUse']): ((id: string, expiresAt: number, now: number) => boolean | Promise<boolean>) | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return memorySingleUse();
  if (typeof option === 'function') return (id, expiresAt) => option(id, expiresAt);
  throw new TypeError('requestState singleUse must be a boolean or a function (id, expiresAt) => boolean | Promise<boolean>');
}

/**
 * Creates a codec that seals MRTR `requestState` with HMAC-SHA256 and binds it to the method,
 * the tool/prompt name or resource URI, the principal and an expiry (MRTR-05).
 * Creating a codec is synchronous and cheap; the key is imported once, on first use.
 * Without a `secret`, tokens only verify in the same process, so pass one when several server
 * instances may see the same client. With `singleUse`, each token opens once.
 *
 * @param options Key, lifetime and size limit.
 * @returns The codec.
 * @throws RangeError for a secret shorter than 32 bytes or a `ttlMs`/`maxLength` that is not a positive finite number.
 *
 * @example
 * ```ts
 * const states = createRequestStateCodec({ secret: env.MCP_STATE_SECRET });
 * const binding = { method: 'tools/call', name: 'book', principal: authInfo?.subject };
 * const requestState = await states.seal({ user: { step: 2 } }, binding);
 * // next round:
 * const { user } = await states.open(params.requestState, binding);
 * ```
 */
export function createRequestStateCodec(options: RequestStateOptions = {}): RequestStateCodec {
  const secret = toSecretBytes(options.secret);
  const ttlMs = checkPositive('ttlMs', options.ttlMs, DEFAULT_TTL_MS);
  const maxLength = checkPositive('maxLength', options.maxLength, DEFAULT_MAX_LENGTH);
  const firstUse = singleUseGuard(options.singleUse);
  const encoder = new TextEncoder();

  let keyPromise: Promise<CryptoKey> | undefined;
  const key = (): Promise<CryptoKey> => {
    keyPromise ??= crypto.subtle
      .importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
      .catch((error: unknown) => {
        keyPromise = undefined; // let a later call retry
        throw error;
      });
    return keyPromise;
  };

  return {
    async seal(payload, binding, now = Date.now()) {
      if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError('requestState seal: now must be a finite number');
      if (!isPlainObject(binding) || typeof binding.method !== 'string' || typeof binding.name !== 'string') {
        throw new TypeError('requestState binding needs a string method and name');
      }
      if (binding.principal !== undefined && typeof binding.principal !== 'string') {
        throw new TypeError('requestState binding principal must be a string or undefined');
      }
      if (!isPlainObject(payload)) throw new TypeError('requestState payload must be an object');
      if (payload.answers !== undefined && !isPlainObject(payload.answers)) {
        throw new TypeError('requestState answers must be an object keyed by input request');
      }
      const sealed: SealedJson = {
        v: FORMAT_VERSION,
        method: binding.method,
        name: binding.name,
        principal: binding.principal ?? null,
        exp: now + ttlMs,
      };
      if (firstUse !== undefined) sealed.id = bytesToBase64url(crypto.getRandomValues(new Uint8Array(16)));
      if (payload.user !== undefined) sealed.user = payload.user;
      if (payload.answers !== undefined) sealed.answers = payload.answers;
      const body = bytesToBase64url(encoder.encode(JSON.stringify(sealed)));
      const mac = await crypto.subtle.sign('HMAC', await key(), encoder.encode(body));
      return `${body}.${bytesToBase64url(new Uint8Array(mac))}`;
    },

    async open(token, binding, now = Date.now()) {
      if (typeof token !== 'string' || token.length === 0 || token.length > maxLength) throw reject('malformed');
      const dot = token.indexOf('.');
      if (dot <= 0 || dot !== token.lastIndexOf('.')) throw reject('malformed');
      const body = token.slice(0, dot);
      const sigText = token.slice(dot + 1);
      if (sigText.length !== SIGNATURE_CHARS) throw reject('malformed');
      const signature = base64urlToBytes(sigText);
      const bodyBytes = base64urlToBytes(body);
      if (signature === undefined || bodyBytes === undefined) throw reject('malformed');

      // Authenticate before looking inside; verify compares in constant time.
      const valid = await crypto.subtle.verify('HMAC', await key(), signature, encoder.encode(body));
      if (!valid) throw reject('signature');

      const sealed = parseSealed(bodyBytes);
      if (sealed === undefined) throw reject('malformed');
      // Written so that a NaN `now` counts as expired (fail closed).
      if (!(now < sealed.exp)) throw reject('expired');
      const expected: Partial<StateBinding> = isPlainObject(binding) ? binding : {};
      if (
        sealed.method !== expected.method ||
        sealed.name !== expected.name ||
        sealed.principal !== (expected.principal ?? null)
      ) {
        throw reject('binding');
      }
      if (firstUse !== undefined) {
        // A state sealed without an id (before single use was turned on) cannot be told apart from its replays.
        if (sealed.id === undefined) throw reject('malformed');
        if ((await firstUse(sealed.id, sealed.exp, now)) !== true) throw reject('used');
      }

      const result: StatePayload = {};
      if ('user' in sealed) result.user = sealed.user;
      if (sealed.answers !== undefined) result.answers = sealed.answers;
      return result;
    },
  };
}
