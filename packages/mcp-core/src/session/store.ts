/**
 * @module The legacy session record store (SES-09). Dumb storage: expiry, the session cap and
 * principal checks (SES-08) are enforced by the core, which owns the timers. A shared backend
 * (Redis, a KV namespace) implements the same interface to scale out (TRAP-16).
 */

import type { MaybePromise } from '../types';
import type { SessionState } from './machine';

/** What the server keeps about one legacy session (SES-09). */
export interface SessionRecord {
  /** The `Mcp-Session-Id` value (SES-02). */
  id: string;
  /** Lifecycle state (see `SESSION_TRANSITIONS`). */
  state: SessionState;
  /** The negotiated protocol version (LC-03), used when a request carries no header (PVH-02, PVH-04). */
  protocolVersion: string;
  /** The client's `initialize` capabilities (LC-01, LC-06). */
  clientCapabilities: Record<string, unknown>;
  /** The client's `initialize` `clientInfo` (LC-01). */
  clientInfo?: { name: string; version: string; [k: string]: unknown };
  /** Set by `logging/setLevel`. */
  logLevel?: string;
  /** URIs passed to `resources/subscribe`. */
  subscriptions?: string[];
  /** The authenticated principal that created the session; other principals are rejected (SES-08). */
  subject?: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** Last use, ms since the epoch (drives idle expiry). */
  lastSeenAt: number;
}

/** Storage for {@link SessionRecord}s, keyed by session id. */
export interface SessionStore {
  /** The record with that id, or undefined. */
  get(id: string): MaybePromise<SessionRecord | undefined>;
  /** Insert or replace the record under `record.id`. */
  set(record: SessionRecord): MaybePromise<void>;
  /** Remove the record; a no-op for unknown ids. */
  delete(id: string): MaybePromise<void>;
  /** Number of live records (for the session cap and for leak checks). */
  count(): MaybePromise<number>;
}

/**
 * An in-process {@link SessionStore} backed by a `Map`.
 *
 * Records are copied with `structuredClone` on `set` and on `get`, so the memory store behaves like
 * a serializing shared backend: a change to a record is only persisted by calling `set` again.
 */
export function createMemorySessionStore(): SessionStore {
  const records = new Map<string, SessionRecord>();
  return {
    get(id) {
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    set(record) {
      records.set(record.id, structuredClone(record));
    },
    delete(id) {
      records.delete(id);
    },
    count() {
      return records.size;
    },
  };
}
