/**
 * Step-up authorization (checklist AUTH-04, AUTH-06), the `withScopes` feature: a tool's `scopes` are checked
 * against the request's `authInfo.scopes` before it runs, and an {@link InsufficientScopeError} becomes HTTP 401/403
 * with a `WWW-Authenticate: Bearer` challenge while the answer has not started streaming.
 */
import { InsufficientScopeError, isInsufficientScopeError, isScopeToken } from '../errors';
import { isModernVersion } from '../protocol/versions';
import type { AuthInfo } from '../types';
import type { JsonHead } from '../http/responses';

/** The `auth` option of createMcp. */
export interface AuthOptions {
  /**
   * The URL of this server's OAuth Protected Resource Metadata (RFC 9728), named as `resource_metadata` in every
   * challenge the core sends (AUTH-04).
   */
  resourceMetadata?: string;
  /**
   * Whether a granted scope covers a required one: scope hierarchies (`files` covering `files:read`), which
   * 2026-07-28 asks servers to honour (AUTH-06). Default: the two are equal.
   */
  covers?: (granted: string, required: string) => boolean;
}

/** Resolved {@link AuthOptions}. @internal */
export interface ScopeSettings {
  readonly resourceMetadata: string | undefined;
  readonly covers: ((granted: string, required: string) => boolean) | undefined;
}


/**
 * Checks and resolves the `auth` option.
 * @param options What the server was given.
 * @returns The settings.
 */
export function scopeSettings(options: AuthOptions | undefined): ScopeSettings {
  if (options === undefined) return { resourceMetadata: undefined, covers: undefined };
  if (typeof options !== 'object' || options === null) throw new TypeError('The auth option must be an object { resourceMetadata?, covers? }');
  const { resourceMetadata, covers } = options;
  if (resourceMetadata !== undefined && (typeof resourceMetadata !== 'string' || !/^https?:\/\/[^\s"\\]+$/.test(resourceMetadata))) {
    throw new TypeError('auth.resourceMetadata must be an absolute http(s) URL without spaces, quotes or backslashes');
  }
  if (covers !== undefined && typeof covers !== 'function') throw new TypeError('auth.covers must be a function (granted, required) => boolean');
  return { resourceMetadata, covers };
}

/**
 * Checks a tool's `scopes` at registration.
 * @param owner What they belong to, for the message.
 * @param scopes The configured value.
 * @returns The scopes, frozen, or undefined when none.
 */
export function checkScopes(owner: string, scopes: unknown): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isScopeToken)) {
    throw new TypeError(`${owner}: scopes must be a non-empty array of scope tokens (printable ASCII without space, " or \\)`);
  }
  return Object.freeze([...new Set(scopes as string[])]);
}

/**
 * The refusal of an operation that needs `required`, or undefined when the caller's scopes cover them.
 * @param required Every scope the operation needs.
 * @param auth The request's authInfo.
 * @param settings Resolved `auth` option.
 * @param what The operation, for the message ('tool "x"').
 * @returns The error to answer with, or undefined.
 */
export function missingScopes(required: readonly string[], auth: AuthInfo | undefined, settings: ScopeSettings, what: string): InsufficientScopeError | undefined {
  const granted = auth?.scopes ?? [];
  const covers = settings.covers;
  for (const scope of required) {
    const held = covers === undefined ? granted.includes(scope) : granted.some((g) => g === scope || covers(g, scope));
    if (!held) return new InsufficientScopeError(required, `Insufficient scope: ${what} needs ${required.join(' ')}`);
  }
  return undefined;
}

/**
 * The HTTP form of a refusal, when `error` is an {@link InsufficientScopeError}: 401 when the request carried no
 * `authInfo` (authorization is needed at all), else 403 `insufficient_scope`. The `scope` it names: on the
 * 2026-07-28 path every scope the operation needs (AUTH-06); on a 2025 session those and the scopes already
 * granted, so that a client that replaces its scopes with the challenge's keeps what it had (the 2025-11-25
 * recommendation).
 * @param error What was thrown.
 * @param auth The request's authInfo.
 * @param version The request's protocol version.
 * @param settings Resolved `auth` option.
 * @returns Status and header fields, or undefined for any other error.
 */
export function scopeRefusal(error: unknown, auth: AuthInfo | undefined, version: string, settings: ScopeSettings): JsonHead | undefined {
  if (!isInsufficientScopeError(error)) return undefined;
  const required = error.scopes;
  const scope = isModernVersion(version) || auth?.scopes === undefined ? required : [...new Set([...auth.scopes.filter(isScopeToken), ...required])];
  const params: string[] = [];
  if (auth !== undefined) params.push('error="insufficient_scope"');
  params.push(`scope="${scope.join(' ')}"`);
  if (settings.resourceMetadata !== undefined) params.push(`resource_metadata="${settings.resourceMetadata}"`);
  if (auth !== undefined) params.push(`error_description="${describe(error.message)}"`);
  return { status: auth === undefined ? 401 : 403, headers: { 'www-authenticate': `Bearer ${params.join(', ')}` } };
}

/**
 * An error_description (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E): a double quote becomes a single one, any other
 * character outside the set a space.
 */
const describe = (message: string): string => message.replace(/"/g, "'").replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ');

/**
 * The refusal of a `tools/call` whose tool has `scopes` the caller does not hold; undefined for anything else.
 * @param tools The registry's tools.
 * @param method The request's method.
 * @param params The request's params.
 * @param auth The request's authInfo.
 * @param settings Resolved `auth` option.
 * @returns The error to answer with, or undefined.
 */
export function toolScopeCheck(
  tools: ReadonlyMap<string, { readonly scopes: readonly string[] | undefined }>,
  method: string,
  params: Record<string, unknown> | undefined,
  auth: AuthInfo | undefined,
  settings: ScopeSettings,
): InsufficientScopeError | undefined {
  if (method !== 'tools/call') return undefined;
  const name = params?.name;
  const scopes = typeof name === 'string' ? tools.get(name)?.scopes : undefined;
  return scopes === undefined ? undefined : missingScopes(scopes, auth, settings, `tool "${name as string}"`);
}

/** What the transports and the registry use of this feature, bound to the server's `auth` option. */
export interface ScopeGate {
  /** Checks a tool's `scopes` at registration (see {@link checkScopes}). */
  readonly register: (owner: string, scopes: unknown) => readonly string[] | undefined;
  /** The refusal of a request whose tool needs scopes the caller lacks (see {@link toolScopeCheck}). */
  readonly check: (
    tools: ReadonlyMap<string, { readonly scopes: readonly string[] | undefined }>,
    method: string,
    params: Record<string, unknown> | undefined,
    auth: AuthInfo | undefined,
  ) => InsufficientScopeError | undefined;
  /** The HTTP form of a refusal, for any thrown value (see {@link scopeRefusal}). */
  readonly refusal: (error: unknown, auth: AuthInfo | undefined, version: string) => JsonHead | undefined;
}

/**
 * Binds the feature to a server's `auth` option.
 * @param options The option.
 * @returns The gate.
 * @throws TypeError for a malformed option.
 */
export function bindScopes(options: AuthOptions | undefined): ScopeGate {
  const settings = scopeSettings(options);
  return {
    register: checkScopes,
    check: (tools, method, params, auth) => toolScopeCheck(tools, method, params, auth, settings),
    refusal: (error, auth, version) => scopeRefusal(error, auth, version, settings),
  };
}
