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
  /**
   * Insert or replace the record under `record.id`. Copy or serialise it; do not change it or keep it: its
   * `clientCapabilities` and `clientInfo` are frozen objects that other sessions share.
   */
  set(record: SessionRecord): MaybePromise<void>;
  /** Remove the record; a no-op for unknown ids. */
  delete(id: string): MaybePromise<void>;
  /** Number of live records (for the session cap and for leak checks). */
  count(): MaybePromise<number>;
}

/**
 * A session this process holds in memory and can describe as a {@link SessionRecord} at any time (the core's live
 * sessions).
 * @internal
 */
export interface LiveRecord {
  readonly id: string;
  /** A fresh record of the session's current state. */
  toRecord(): SessionRecord;
}

/** What a memory store holds under an id: a private copy of a record, or a live session it reads when asked. */
type Entry = SessionRecord | LiveRecord;
const isLive = (e: Entry): e is LiveRecord => typeof (e as Partial<LiveRecord>).toRecord === 'function';

/** The link function of each memory store (see {@link memoryStoreLink}). */
const links = new WeakMap<SessionStore, (live: LiveRecord) => void>();

/**
 * For the core: when `store` came from {@link createMemorySessionStore}, a function that stores a live session by
 * reference instead of a copy of its record. Undefined for every other store.
 *
 * Linking is a write: it replaces whatever the store held under that id, and `get` then returns a copy of the
 * session's record as it is at that moment. An idle session thus costs the store one map entry, and writes cost
 * nothing (W4, memory per idle session). `delete` unlinks.
 * @internal
 */
export function memoryStoreLink(store: SessionStore): ((live: LiveRecord) => void) | undefined {
  return links.get(store);
}

/**
 * An in-process {@link SessionStore} backed by a `Map`.
 *
 * Records are copied with `structuredClone` on `set` and on `get`, so the memory store behaves like a serializing
 * shared backend: a change to a record is only persisted by calling `set` again. (The sessions of a server using
 * this store are held by reference instead, and `get` returns a copy of their current record: for them the store is
 * only an index of what the process already keeps in memory.)
 */
export function createMemorySessionStore(): SessionStore {
  const records = new Map<string, Entry>();
  const store: SessionStore = {
    get(id) {
      const entry = records.get(id);
      if (entry === undefined) return undefined;
      return structuredClone(isLive(entry) ? entry.toRecord() : entry);
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
  links.set(store, (live) => {
    records.set(live.id, live);
  });
  return store;
}
