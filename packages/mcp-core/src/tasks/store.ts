/**
 * @module The task record store (§8) and the helpers that move tasks through the state machine.
 *
 * The store is storage with three guarantees every backend must give: owner scoping (TK1-10,
 * SEC-03: another principal sees "not found"), TTL expiry (TK1-04, TKX-10: an expired task is
 * gone), and an atomic compare-and-set `update` keyed on {@link TaskRecord.version}, so two
 * concurrent writers of one task cannot both win. A shared backend implements `update` as one
 * atomic step (SQL `UPDATE … WHERE task_id = ? AND owner = ? AND version = ?`, a Redis script,
 * a KV conditional write).
 *
 * Status changes go through {@link transitionTask}, which checks the §8 table on the freshly read
 * record before every compare-and-set attempt, so a lost race is re-validated, never blindly retried.
 */

import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import type { MaybePromise } from '../types';
import { createTaskId } from './id';
import { isTerminal, nextTaskState } from './machine';
import type { TaskEvent, TaskStatus } from './machine';

/** What the server keeps about one task (TK1-04, TKX-03, TKX-04). Times are epoch milliseconds. */
export interface TaskRecord {
  /** The task id: unguessable, at least 128 bits (SEC-03, TKX-11); see `createTaskId`. */
  taskId: string;
  /**
   * The principal that owns the task (TK1-10): the auth subject when there is one, else the session
   * id or client identity. The caller decides; the store compares it exactly.
   */
  owner: string;
  /** Where the task is in the §8 state machine. */
  status: TaskStatus;
  /** Optional human-readable status text (TK1-04, TKX-03). */
  statusMessage?: string;
  /** Creation time. */
  createdAt: number;
  /** Last change; stamped by the store on every update (TK1-04, TKX-03). */
  lastUpdatedAt: number;
  /** Retention from creation, ms (TK1-04 `ttl`, TKX-03 `ttlMs`). A finite integer ≥ 0. */
  ttlMs: number;
  /** `createdAt + ttlMs`, kept by the store. From this instant the task is gone ("not found", ERR-07, TKX-08). */
  expiresAt: number;
  /** Suggested polling interval, ms (TK1-04 `pollInterval`, TKX-03 `pollIntervalMs`). */
  pollIntervalMs?: number;
  /** The final JSON-RPC result (when completed, or failed with a result in 25-11, TK1-09). */
  result?: unknown;
  /** The JSON-RPC error object of a failed task (TK1-06, TKX-07). */
  error?: { code: number; message: string; data?: unknown };
  /** Outstanding input requests while `input_required` (TKX-04): key → `{ method, params }`. */
  inputRequests?: Record<string, unknown>;
  /** Free-form server data (method, tool name, wire form `'2025'` | `'2026'`, …). */
  meta?: Record<string, unknown>;
  /**
   * Compare-and-set version: 1 on create, +1 on every successful update. `update` applies a patch
   * only when the caller's expected version still matches, so every writer works from what it read.
   */
  version: number;
}

/** What {@link TaskStore.create} takes: a record without the fields the store owns (`version`, `expiresAt`). */
export type NewTaskRecord = Omit<TaskRecord, 'version' | 'expiresAt'>;

/**
 * The fields an update may change. `taskId`, `owner`, `createdAt`, `version`, `lastUpdatedAt` and
 * `expiresAt` are owned by the store (identity, CAS and TTL bookkeeping). A key present with the
 * value `undefined` removes that optional field.
 */
export type TaskUpdate = Partial<
  Pick<TaskRecord, 'status' | 'statusMessage' | 'ttlMs' | 'pollIntervalMs' | 'result' | 'error' | 'inputRequests' | 'meta'>
>;

/** A {@link TaskUpdate} without `status`: what the helpers accept next to an event. */
export type TaskDataPatch = Omit<TaskUpdate, 'status'>;

/** One page of {@link TaskStore.list}. */
export interface TaskPage {
  /** The owner's live tasks on this page, oldest first. */
  tasks: TaskRecord[];
  /** Present when more tasks follow (TK1-05, PAG-01); pass it back to get the next page. */
  nextCursor?: string;
}

/**
 * Storage for {@link TaskRecord}s. Every read is owner-scoped (TK1-10): a task of another owner and
 * an expired task look exactly like a task that never existed.
 */
export interface TaskStore {
  /**
   * Stores a new task. The store sets `version` to 1 and `expiresAt` to `createdAt + ttlMs`.
   * @param record The task; its `taskId` must be new.
   * @returns The stored record (a copy).
   * @throws A `TaskStoreFullError` when the store is at its bound.
   */
  create(record: NewTaskRecord): MaybePromise<TaskRecord>;
  /**
   * The task, or undefined when it does not exist, has expired, or belongs to another owner.
   * @param taskId The task id.
   * @param owner The requesting principal.
   */
  get(taskId: string, owner: string): MaybePromise<TaskRecord | undefined>;
  /**
   * Compare-and-set update: applies `patch` only if the stored record still has `expectedVersion`,
   * then increments `version` and stamps `lastUpdatedAt`. Of two updates made with the same expected
   * version, exactly one wins.
   * @param taskId The task id.
   * @param owner The requesting principal.
   * @param expectedVersion The `version` the caller read.
   * @param patch The fields to change.
   * @returns The new record (a copy), or undefined when the task is not found (missing, expired,
   *   other owner) or the version no longer matches (a lost race: read again and retry).
   */
  update(taskId: string, owner: string, expectedVersion: number, patch: TaskUpdate): MaybePromise<TaskRecord | undefined>;
  /**
   * One page of the owner's live tasks, oldest first (TK1-05).
   * @param owner The requesting principal; only its tasks are listed (TK1-05, TK1-10).
   * @param cursor A `nextCursor` from an earlier page, or undefined for the first page.
   * @param limit The page size, an integer ≥ 1.
   * @throws McpError -32602 for a cursor this store did not issue (ERR-07, PAG-01).
   */
  list(owner: string, cursor: string | undefined, limit: number): MaybePromise<TaskPage>;
  /**
   * Removes the task whatever its owner (server-side clean-up).
   * @param taskId The task id.
   * @returns Whether a task was removed.
   */
  delete(taskId: string): MaybePromise<boolean>;
}

/** Thrown by {@link TaskStore.create} when the store holds as many tasks as it may. */
export class TaskStoreFullError extends Error {
  /** The bound that was hit. */
  readonly limit: number;
  /** Which bound: the whole store, or the tasks of one owner. */
  readonly scope: 'store' | 'owner';

  /**
   * @param limit The bound that was hit.
   * @param scope `'store'` for the global bound, `'owner'` for the per-owner bound.
   */
  constructor(limit: number, scope: 'store' | 'owner' = 'store') {
    super(scope === 'store' ? `Task store is full (${limit} tasks)` : `Too many tasks for this owner (${limit})`);
    this.name = 'TaskStoreFullError';
    this.limit = limit;
    this.scope = scope;
  }
}

/** What {@link createTaskRecord} needs. */
export interface TaskRecordInit {
  /** The owning principal (TK1-10). */
  owner: string;
  /** Retention from creation, ms (the server MAY override what the client asked for, TK1-04). */
  ttlMs: number;
  /** Creation time, epoch ms (default `Date.now()`). */
  now?: number;
  /** Suggested polling interval, ms. */
  pollIntervalMs?: number;
  /** Initial status message. */
  statusMessage?: string;
  /** Free-form server data. */
  meta?: Record<string, unknown>;
}

/**
 * A new task in `working` (§8: every task starts there) with a fresh unguessable id (SEC-03), ready
 * for {@link TaskStore.create}.
 * @param init Owner, TTL and optional fields.
 * @returns The new record.
 */
export function createTaskRecord(init: TaskRecordInit): NewTaskRecord {
  const now = init.now ?? Date.now();
  const record: NewTaskRecord = {
    taskId: createTaskId(),
    owner: init.owner,
    status: 'working',
    createdAt: now,
    lastUpdatedAt: now,
    ttlMs: init.ttlMs,
  };
  if (init.pollIntervalMs !== undefined) record.pollIntervalMs = init.pollIntervalMs;
  if (init.statusMessage !== undefined) record.statusMessage = init.statusMessage;
  if (init.meta !== undefined) record.meta = init.meta;
  return record;
}

/** Options of {@link transitionTask} and {@link patchTask}. */
export interface TaskUpdateOptions {
  /** Read-check-CAS attempts before giving up on a contended task (default {@link DEFAULT_TASK_UPDATE_ATTEMPTS}). */
  maxAttempts?: number;
}

/** Default bound on compare-and-set attempts in {@link transitionTask} and {@link patchTask}. */
export const DEFAULT_TASK_UPDATE_ATTEMPTS = 16;

/** A patch, or a function computing it from the freshly read record (re-run on every attempt). */
export type TaskPatchInput = TaskDataPatch | ((current: TaskRecord) => TaskDataPatch);

/**
 * Moves a task through the §8 state machine: reads it, checks `nextTaskState(status, event)`, and
 * compare-and-sets the new status together with `patch`. On a lost race it reads again and
 * re-checks, so an event is applied at most once and never on top of a state it was not checked
 * against. Leaving `input_required` drops the outstanding `inputRequests` (TKX-04) unless `patch`
 * sets them.
 *
 * @param store The task store.
 * @param taskId The task id from the request.
 * @param owner The requesting principal (TK1-10).
 * @param event What happened.
 * @param patch Fields to set together with the transition (e.g. `result`, `error`, `inputRequests`);
 *   a function receives the record as read and runs again on every attempt.
 * @param options Attempt bound.
 * @returns The updated record.
 * @throws McpError -32602 when the task is unknown, expired or another owner's (ERR-07, TKX-08), or
 *   when the event is forbidden in its status, e.g. cancelling a terminal task (ERR-07, TK1-07).
 *   McpError -32603 when every attempt lost a race.
 */
export async function transitionTask(
  store: TaskStore,
  taskId: string,
  owner: string,
  event: TaskEvent,
  patch?: TaskPatchInput,
  options: TaskUpdateOptions = {},
): Promise<TaskRecord> {
  const attempts = attemptBound(options);
  for (let i = 0; i < attempts; i++) {
    const current = await store.get(taskId, owner);
    if (current === undefined) throw taskNotFound(taskId);
    const to = nextTaskState(current.status, event);
    if (to === undefined) throw forbiddenTransition(taskId, current.status, event);
    const data = resolvePatch(patch, current);
    const update: TaskUpdate = { ...data, status: to };
    // TKX-04: `inputRequests` lists what is outstanding; once the task leaves input_required, nothing is.
    if (current.status === 'input_required' && to !== 'input_required' && !Object.hasOwn(data, 'inputRequests')) {
      update.inputRequests = undefined;
    }
    const updated = await store.update(taskId, owner, current.version, update);
    if (updated !== undefined) return updated;
    // Lost the race (or the task vanished): read again; the next round re-checks everything.
  }
  throw contention(taskId);
}

/** Options of {@link patchTask}. */
export interface TaskPatchOptions extends TaskUpdateOptions {
  /**
   * Allow patching a terminal task (bookkeeping such as `meta` or `ttlMs`). Default false: a
   * terminal task keeps its outcome (§8, TK1-07: a cancelled task stays cancelled whatever the
   * execution does), so late writes from the execution are refused.
   */
  allowTerminal?: boolean;
}

/**
 * Changes fields of a task without a state transition (status message, poll interval, TTL,
 * `meta`, added input requests), with the same read-CAS-retry loop as {@link transitionTask}.
 * Use a function patch for read-modify-write changes (counters, merged maps) so no update is lost.
 *
 * @param store The task store.
 * @param taskId The task id.
 * @param owner The requesting principal (TK1-10).
 * @param patch The fields to change, or a function computing them from the current record.
 * @param options Attempt bound; whether terminal tasks may be patched.
 * @returns The updated record.
 * @throws McpError -32602 when the task is not found, or is terminal and `allowTerminal` is off.
 *   McpError -32603 when every attempt lost a race.
 */
export async function patchTask(
  store: TaskStore,
  taskId: string,
  owner: string,
  patch: TaskPatchInput,
  options: TaskPatchOptions = {},
): Promise<TaskRecord> {
  const attempts = attemptBound(options);
  for (let i = 0; i < attempts; i++) {
    const current = await store.get(taskId, owner);
    if (current === undefined) throw taskNotFound(taskId);
    if (isTerminal(current.status) && options.allowTerminal !== true) {
      throw new McpError(ErrorCode.InvalidParams, `Task is already ${current.status}`, { taskId, status: current.status });
    }
    const data = resolvePatch(patch, current);
    const updated = await store.update(taskId, owner, current.version, data);
    if (updated !== undefined) return updated;
  }
  throw contention(taskId);
}

/**
 * The -32602 error for an unknown, expired or foreign task (ERR-07, TKX-08). One message for all
 * three so a caller cannot tell another principal's task from a missing one (TK1-10).
 * @param taskId The id the client sent.
 * @returns The error to throw.
 */
export function taskNotFound(taskId: string): McpError {
  return new McpError(ErrorCode.InvalidParams, 'Unknown or expired task', { taskId });
}

function forbiddenTransition(taskId: string, status: TaskStatus, event: TaskEvent): McpError {
  // ERR-07 / TK1-07: e.g. cancelling a terminal task.
  const message = isTerminal(status)
    ? `Cannot ${event} a task that is already ${status}`
    : `Cannot ${event} a task that is ${status}`;
  return new McpError(ErrorCode.InvalidParams, message, { taskId, status, event });
}

function contention(taskId: string): McpError {
  return new McpError(ErrorCode.InternalError, 'Task is being updated concurrently; try again', { taskId });
}

function attemptBound(options: TaskUpdateOptions): number {
  const n = options.maxAttempts ?? DEFAULT_TASK_UPDATE_ATTEMPTS;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('maxAttempts must be an integer >= 1');
  return n;
}

function resolvePatch(patch: TaskPatchInput | undefined, current: TaskRecord): TaskDataPatch {
  const data = typeof patch === 'function' ? patch(current) : (patch ?? {});
  if (Object.hasOwn(data, 'status')) throw new TypeError('Change a task status through an event, not a patch');
  return data;
}
