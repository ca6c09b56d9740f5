/**
 * The internal view of one request being served: what method handlers need beyond the user-facing context.
 */
import type { InputHost } from './mrtr';
import type { CacheHint, HandlerContext, LoggingLevel } from './types';

/** Session-scoped state a method may change (legacy sessions only). */
export interface SessionOps {
  setLogLevel(level: LoggingLevel): void;
  subscribe(uri: string): void;
  unsubscribe(uri: string): void;
}

/** One request in flight. */
export interface Call {
  /** The user-facing context handed to tool/resource/prompt handlers; also the MRTR host. */
  readonly ctx: HandlerContext & InputHost;
  /** Protocol revision in use. */
  readonly version: string;
  /** The session, when the request belongs to one. */
  readonly session: SessionOps | undefined;
  /** Set by `resources/read`: the matched registration's caching hint (2026-07-28, CACHE-01). */
  cache?: CacheHint | undefined;
}
