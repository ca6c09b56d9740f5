/**
 * @module An in-process {@link TaskStore} backed by `Map`s.
 *
 * - Copies: records are `structuredClone`d on the way in and on the way out, so the memory store
 *   behaves like a serializing shared backend: callers cannot change stored state except through
 *   `create` / `update`, and a value `structuredClone` rejects (a function) fails the call.
 * - Expiry (TK1-04, TKX-10): a task is gone from `expiresAt = createdAt + ttlMs` on. Expired tasks
 *   are invisible at once and removed lazily when touched, by `sweep()`, and before the bound refuses.
 * - Owner scoping (TK1-10, SEC-03): `get`, `update` and `list` only see the caller's own tasks.
 * - Compare-and-set: `update` runs synchronously, so the version check and the write are atomic.
 * - Pagination (TK1-05, PAG-01): tasks are listed in creation order. A cursor names the position
 *   after the last task returned (a per-store sequence number, never a task id, so a leaked cursor
 *   reveals no handle). New tasks always sort last, and deleted ones leave no gap, so a cursor stays
 *   valid and nothing is skipped or repeated while tasks come and go. Cursors carry a random
 *   per-store tag: one from another store or an earlier process is rejected with -32602 (ERR-07).
 * - Bound: `create` beyond `maxTasks` (or `maxTasksPerOwner` for one owner) first sweeps expired
 *   tasks. By default it then throws {@link TaskStoreFullError}: a task's reported TTL is the
 *   retention the server promised (TK1-04), so finished tasks are not dropped early. With
 *   `evictTerminal: true` it instead evicts terminal tasks, the one that finished first going first,
 *   before refusing; working and input_required tasks are never evicted.
 * - Status changes: `update` refuses a status change the §8 table forbids (e.g. out of a terminal
 *   status) with -32602, as a backstop for callers that bypass `transitionTask`.
 */

import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { isAllowedTaskStatusChange, isTaskStatus, isTerminal } from './machine';
import { TaskStoreFullError } from './store';
import type { NewTaskRecord, TaskPage, TaskRecord, TaskStore, TaskUpdate } from './store';

export { createTaskId } from './id';

/** Options of {@link createMemoryTaskStore}. */
export interface MemoryTaskStoreOptions {
  /** Most tasks held at once, expired ones not counted (default 10 000). */
  maxTasks?: number;
  /** Most tasks one owner may hold at once (default: no bound besides `maxTasks`). */
  maxTasksPerOwner?: number;
  /**
   * When full, evict terminal tasks (earliest finished first) instead of refusing (default false:
   * keep the TTL promise of TK1-04 and throw {@link TaskStoreFullError}).
   */
  evictTerminal?: boolean;
  /** The clock, epoch ms (default `Date.now`); inject one in tests. */
  now?: () => number;
}

/** Counters from {@link MemoryTaskStore.stats}. */
export interface MemoryTaskStoreStats {
  /** Live (unexpired) tasks. */
  tasks: number;
}

/** The memory store: a {@link TaskStore} plus explicit sweeping and counters. */
export interface MemoryTaskStore extends TaskStore {
  /** {@inheritDoc TaskStore.create} */
  create(record: NewTaskRecord): TaskRecord;
  /** {@inheritDoc TaskStore.get} */
  get(taskId: string, owner: string): TaskRecord | undefined;
  /** {@inheritDoc TaskStore.update} */
  update(taskId: string, owner: string, expectedVersion: number, patch: TaskUpdate): TaskRecord | undefined;
  /** {@inheritDoc TaskStore.list} */
  list(owner: string, cursor: string | undefined, limit: number): TaskPage;
  /** {@inheritDoc TaskStore.delete} */
  delete(taskId: string): boolean;
  /**
   * Removes every task expired at `now`.
   * @param now The time to sweep at (default: the store's clock).
   * @returns How many tasks were removed.
   */
  sweep(now?: number): number;
  /** Live task count (expired tasks are swept first). */
  stats(): MemoryTaskStoreStats;
}

/** Fields an update must not touch: identity, CAS and TTL bookkeeping belong to the store. */
const STORE_OWNED = ['taskId', 'owner', 'createdAt', 'version', 'lastUpdatedAt', 'expiresAt'] as const;
/** Required fields: `undefined` in a patch leaves them unchanged instead of removing them. */
const REQUIRED = new Set<string>(['status', 'ttlMs']);

interface Entry {
  record: TaskRecord;
  /** Creation order within this store; what cursors point at. */
  seq: number;
}

interface OwnerIndex {
  /** The owner's tasks in creation (= seq) order. */
  all: Map<string, Entry>;
  /** The owner's terminal tasks in the order they finished. */
  terminal: Map<string, Entry>;
}

const CURSOR_RE = /^t1\.([A-Za-z0-9_-]{8})\.([1-9][0-9]{0,15})$/;

/**
 * An in-process {@link TaskStore} with TTL expiry, owner scoping, stable cursors, a bound and
 * copy-in/copy-out semantics (see the module notes for the eviction policy).
 * @param options Bounds, eviction policy and clock.
 * @returns The store.
 */
export function createMemoryTaskStore(options: MemoryTaskStoreOptions = {}): MemoryTaskStore {
  const maxTasks = options.maxTasks ?? 10_000;
  const maxPerOwner = options.maxTasksPerOwner ?? Number.POSITIVE_INFINITY;
  const evictTerminal = options.evictTerminal ?? false;
  const clock = options.now ?? Date.now;
  if (!Number.isInteger(maxTasks) || maxTasks < 1) throw new RangeError('maxTasks must be an integer >= 1');
  if (maxPerOwner !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxPerOwner) || maxPerOwner < 1)) {
    throw new RangeError('maxTasksPerOwner must be an integer >= 1');
  }

  const byId = new Map<string, Entry>();
  const owners = new Map<string, OwnerIndex>();
  /** Every terminal task, in the order they finished (eviction order). */
  const terminal = new Map<string, Entry>();
  let nextSeq = 1;
  /** No task expires before this instant, so a sweep before it has nothing to do (a lower bound). */
  let nextExpiry = Number.POSITIVE_INFINITY;
  /** Random tag binding cursors to this store instance. */
  const cursorTag = randomTag();

  function remove(entry: Entry): void {
    const { taskId, owner } = entry.record;
    byId.delete(taskId);
    terminal.delete(taskId);
    const index = owners.get(owner);
    if (index !== undefined) {
      index.all.delete(taskId);
      index.terminal.delete(taskId);
      if (index.all.size === 0) owners.delete(owner);
    }
  }

  function markTerminal(entry: Entry): void {
    terminal.set(entry.record.taskId, entry);
    owners.get(entry.record.owner)?.terminal.set(entry.record.taskId, entry);
  }

  /** The live entry for (taskId, owner), removing it when expired. */
  function live(taskId: string, owner: string, at: number): Entry | undefined {
    if (typeof taskId !== 'string') return undefined;
    const entry = byId.get(taskId);
    if (entry === undefined) return undefined;
    if (at >= entry.record.expiresAt) {
      remove(entry);
      return undefined;
    }
    // TK1-10: another principal's task is indistinguishable from a missing one.
    return entry.record.owner === owner ? entry : undefined;
  }

  function sweep(at: number = clock()): number {
    if (at < nextExpiry) return 0;
    let removed = 0;
    let soonest = Number.POSITIVE_INFINITY;
    for (const entry of byId.values()) {
      if (at >= entry.record.expiresAt) {
        remove(entry);
        removed++;
      } else if (entry.record.expiresAt < soonest) {
        soonest = entry.record.expiresAt;
      }
    }
    nextExpiry = soonest;
    return removed;
  }

  /** Evicts the earliest-finished terminal task of `pool`, if the policy allows and there is one. */
  function evictFrom(pool: Map<string, Entry> | undefined): boolean {
    if (!evictTerminal || pool === undefined) return false;
    const first = pool.values().next();
    if (first.done === true) return false;
    remove(first.value);
    return true;
  }

  function makeRoom(owner: string, at: number): void {
    const ownerCount = () => owners.get(owner)?.all.size ?? 0;
    if (ownerCount() >= maxPerOwner) {
      sweep(at);
      if (ownerCount() >= maxPerOwner && !evictFrom(owners.get(owner)?.terminal)) {
        throw new TaskStoreFullError(maxPerOwner, 'owner');
      }
    }
    if (byId.size >= maxTasks) {
      sweep(at);
      if (byId.size >= maxTasks && !evictFrom(terminal)) throw new TaskStoreFullError(maxTasks, 'store');
    }
  }

  function encodeCursor(seq: number): string {
    return `t1.${cursorTag}.${seq}`;
  }

  function decodeCursor(cursor: unknown): number {
    const m = typeof cursor === 'string' && cursor.length <= 64 ? CURSOR_RE.exec(cursor) : null;
    const seq = m === null ? Number.NaN : Number(m[2]);
    // ERR-07, PAG-01: a cursor this store did not issue is -32602.
    if (m === null || m[1] !== cursorTag || !Number.isSafeInteger(seq) || seq >= nextSeq) {
      throw new McpError(ErrorCode.InvalidParams, 'Invalid or expired cursor', { cursor });
    }
    return seq;
  }

  return {
    create(input) {
      const at = clock();
      const copy = structuredClone(input) as NewTaskRecord & Partial<Pick<TaskRecord, 'version' | 'expiresAt'>>;
      validateNew(copy);
      dropUndefined(copy as unknown as Record<string, unknown>);
      const existing = byId.get(copy.taskId);
      if (existing !== undefined) {
        if (at >= existing.record.expiresAt) remove(existing);
        else throw new Error('A task with this id already exists');
      }
      makeRoom(copy.owner, at);
      const record: TaskRecord = { ...copy, version: 1, expiresAt: copy.createdAt + copy.ttlMs };
      const entry: Entry = { record, seq: nextSeq++ };
      byId.set(record.taskId, entry);
      let index = owners.get(record.owner);
      if (index === undefined) {
        index = { all: new Map(), terminal: new Map() };
        owners.set(record.owner, index);
      }
      index.all.set(record.taskId, entry);
      if (isTerminal(record.status)) markTerminal(entry);
      if (record.expiresAt < nextExpiry) nextExpiry = record.expiresAt;
      return structuredClone(record);
    },

    get(taskId, owner) {
      const entry = live(taskId, owner, clock());
      return entry === undefined ? undefined : structuredClone(entry.record);
    },

    update(taskId, owner, expectedVersion, patch) {
      const at = clock();
      const entry = live(taskId, owner, at);
      // Compare-and-set: a stale version loses (the caller re-reads and re-checks).
      if (entry === undefined || entry.record.version !== expectedVersion) return undefined;
      for (const key of STORE_OWNED) {
        if (Object.hasOwn(patch, key)) throw new TypeError(`The task store owns "${key}"; it cannot be patched`);
      }
      const changes = structuredClone(patch) as Record<string, unknown>;
      const prev = entry.record;
      const next = { ...prev } as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(changes)) {
        if (value !== undefined) next[key] = value;
        else if (!REQUIRED.has(key)) delete next[key];
      }
      const record = next as unknown as TaskRecord;
      if (!isTaskStatus(record.status)) throw new TypeError(`Unknown task status "${String(record.status)}"`);
      validateTimes(record.ttlMs, record.pollIntervalMs);
      // §8 backstop: terminal statuses never change, and only table moves are allowed (ERR-07).
      if (record.status !== prev.status && !isAllowedTaskStatusChange(prev.status, record.status)) {
        throw new McpError(ErrorCode.InvalidParams, `Cannot move a task from ${prev.status} to ${record.status}`, {
          taskId,
          status: prev.status,
        });
      }
      record.version = prev.version + 1;
      record.lastUpdatedAt = Math.max(at, prev.lastUpdatedAt);
      record.expiresAt = record.createdAt + record.ttlMs;
      entry.record = record;
      if (isTerminal(record.status) && !isTerminal(prev.status)) markTerminal(entry);
      if (record.expiresAt < nextExpiry) nextExpiry = record.expiresAt;
      return structuredClone(record);
    },

    list(owner, cursor, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be an integer >= 1');
      const after = cursor === undefined ? 0 : decodeCursor(cursor);
      const at = clock();
      const index = owners.get(owner);
      const tasks: TaskRecord[] = [];
      if (index === undefined) return { tasks };
      let lastSeq = 0;
      // Map iteration tolerates deleting visited entries; `all` is in seq order.
      for (const entry of index.all.values()) {
        if (entry.seq <= after) continue;
        if (at >= entry.record.expiresAt) {
          remove(entry);
          continue;
        }
        if (tasks.length === limit) return { tasks, nextCursor: encodeCursor(lastSeq) };
        tasks.push(structuredClone(entry.record));
        lastSeq = entry.seq;
      }
      return { tasks };
    },

    delete(taskId) {
      const entry = typeof taskId === 'string' ? byId.get(taskId) : undefined;
      if (entry === undefined) return false;
      const wasLive = clock() < entry.record.expiresAt;
      remove(entry);
      return wasLive;
    },

    sweep,

    stats() {
      sweep();
      return { tasks: byId.size };
    },
  };
}

function validateNew(record: NewTaskRecord): void {
  if (typeof record !== 'object' || record === null) throw new TypeError('A task record must be an object');
  if (typeof record.taskId !== 'string' || record.taskId.length === 0) throw new TypeError('taskId must be a non-empty string');
  if (typeof record.owner !== 'string') throw new TypeError('owner must be a string');
  if (!isTaskStatus(record.status)) throw new TypeError(`Unknown task status "${String(record.status)}"`);
  if (!Number.isFinite(record.createdAt)) throw new RangeError('createdAt must be a finite number');
  if (!Number.isFinite(record.lastUpdatedAt)) throw new RangeError('lastUpdatedAt must be a finite number');
  validateTimes(record.ttlMs, record.pollIntervalMs);
}

function validateTimes(ttlMs: number, pollIntervalMs: number | undefined): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 0) throw new RangeError('ttlMs must be an integer >= 0');
  if (pollIntervalMs !== undefined && (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 0)) {
    throw new RangeError('pollIntervalMs must be a number >= 0');
  }
}

function dropUndefined(record: Record<string, unknown>): void {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
}

function randomTag(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (const b of crypto.getRandomValues(new Uint8Array(8))) out += alphabet[b & 63]!;
  return out;
}
