/**
 * @module The public contract shared by the core and the runtime adapters.
 * Declaration-only: nothing here emits code.
 */

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What an authenticated caller looks like, as an embedder (auth middleware) hands it to the core. */
export interface AuthInfo {
  /** The bearer token, when the embedder wants handlers to see it. */
  token?: string;
  /** OAuth client id. */
  clientId?: string;
  /** Granted scopes: what tools' `scopes` are checked against (`withScopes`). */
  scopes?: string[];
  /** The authenticated principal (user id). A session is bound to it (SES-08). */
  subject?: string;
  /** Expiry, seconds since the epoch. */
  expiresAt?: number;
  /** Anything else the embedder wants to pass along. */
  extra?: Record<string, unknown>;
}

/**
 * Per-request context an adapter or embedder passes as the second argument of `mcp.handle`.
 * Every field is optional. Bun and Deno pass their own second argument (a server or an info
 * object); the core reads only the fields named here, so that is harmless.
 */
export interface RequestContext {
  /**
   * Fires when the client goes away. The 2025 revisions do not treat a disconnect as a cancellation (SH-07), so
   * the session transport does not use it; adapters set it for handlers that do (and for the stateless path).
   */
  signal?: AbortSignal;
  /** The peer's address, as the runtime reports it. */
  remoteAddress?: string;
  /** The authenticated caller, set by auth middleware. */
  authInfo?: AuthInfo;
  /**
   * The path prefix the handler is mounted under, when the framework strips it from `request.url` (Express
   * `req.baseUrl`, koa-mount). The HTTP+SSE `endpoint` event puts it before the POST path. Without it, the prefix
   * is read from the request path itself.
   */
  mountPath?: string;
  /** A body that a framework already parsed (Express `req.body`, Koa `ctx.request.body`). Used instead of reading the request. */
  parsedBody?: unknown;
  /**
   * The whole request body as text when the adapter already holds every byte of it (the usual small POST), or
   * undefined when it would have to wait for more; the core then reads `request` as usual. A call that returns a
   * string consumes the body, as `request.text()` does. The core calls it at most once per request, only when the
   * Content-Length header is within its body limit, so the usual POST is read and parsed without a promise.
   * `@x/mcp-node-http` sets it, and `@x/mcp-koa` when no body parser ran first.
   */
  bodyTextNow?(): string | undefined;
  /**
   * Set by an adapter that writes the response to a socket itself (`@x/mcp-node-http` does): the handler may then
   * answer with a lazy Response whose native object is only built if some member other than `status` is read. The
   * adapter reads the body string and header fields from `Symbol.for('x-mcp.bodyText')` and
   * `Symbol.for('x-mcp.headFields')` instead. Without it every response is a native Response.
   */
  lazyResponse?: boolean;
}

/** A fetch-style handler: what `mcp.handle` is and what every adapter serves. */
export type FetchHandler = (request: Request, context?: RequestContext) => Promise<Response>;
