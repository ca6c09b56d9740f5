/**
 * The per-request envelope of the stateless revision (2026-07-28): version, client capabilities, client info and
 * log level travel in every request's `params._meta` (M-01, M-02, LOG-02).
 */
import { isPlainObject } from '../plain-object';
import type { LoggingLevel } from '../server/types';
import { LEVELS } from './params';

/** `_meta` key of the request's protocol version (M-01). */
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
/** `_meta` key of the client's capabilities for this request (M-01). */
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
/** `_meta` key of the client's identity (optional, M-02). */
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
/** `_meta` key of the request's log level (LOG-02). */
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel';
/** `_meta` key of the server identity on results (M-06). */
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
/** `_meta` key tagging listen-stream messages (SUB-03). */
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

/** A validated envelope. */
export interface Envelope {
  readonly protocolVersion: string;
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  readonly clientInfo: Readonly<{ name: string; version: string }> | undefined;
  readonly logLevel: LoggingLevel | undefined;
}


/**
 * The `_meta` of a message's params, if it is an object.
 * @param message A parsed JSON-RPC message.
 * @returns The `_meta` object or undefined.
 */
export function metaOf(message: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(message)) return undefined;
  const params = message.params;
  if (!isPlainObject(params)) return undefined;
  const meta = params._meta;
  return isPlainObject(meta) ? meta : undefined;
}

/**
 * Reads the envelope after the version was checked. Returns a message naming the bad field instead when a field
 * is missing or malformed (answered -32602 with HTTP 400, M-01).
 * @param meta The request's `_meta`.
 * @param protocolVersion The (already checked) version.
 * @returns The envelope, or the problem.
 */
export function readEnvelope(meta: Record<string, unknown>, protocolVersion: string): Envelope | string {
  const caps = meta[META_CLIENT_CAPABILITIES];
  if (caps === undefined) return `Missing _meta["${META_CLIENT_CAPABILITIES}"] (M-01); send {} when the client has none`;
  if (!isPlainObject(caps)) return `_meta["${META_CLIENT_CAPABILITIES}"] must be an object`;
  const info = meta[META_CLIENT_INFO];
  if (info !== undefined && (!isPlainObject(info) || typeof info.name !== 'string' || typeof info.version !== 'string')) {
    return `_meta["${META_CLIENT_INFO}"] must be an object with string name and version`;
  }
  const level = meta[META_LOG_LEVEL];
  if (level !== undefined && !(LEVELS as readonly unknown[]).includes(level)) {
    return `_meta["${META_LOG_LEVEL}"] must be one of ${LEVELS.join(', ')}`;
  }
  return {
    protocolVersion,
    clientCapabilities: caps,
    clientInfo: info as Envelope['clientInfo'],
    logLevel: level as LoggingLevel | undefined,
  };
}
