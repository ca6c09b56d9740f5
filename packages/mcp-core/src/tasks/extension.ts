/**
 * @module The 2026 tasks extension on the wire: its id and how a task record reads in an answer (TKX-03, TKX-04).
 */
import { isPlainObject } from '../plain-object';
import type { TaskRecord } from './store';

/** The 2026 extension id (checklist §8.2). */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/**
 * The task handle fields common to every 2026 answer about a task (TKX-03): ISO times, `ttlMs`, `pollIntervalMs`.
 * @param record The task.
 * @returns The wire fields.
 */
export function taskFields(record: TaskRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    taskId: record.taskId,
    status: record.status,
    createdAt: new Date(record.createdAt).toISOString(),
    lastUpdatedAt: new Date(record.lastUpdatedAt).toISOString(),
    ttlMs: record.ttlMs,
  };
  if (record.statusMessage !== undefined) out.statusMessage = record.statusMessage;
  if (record.pollIntervalMs !== undefined) out.pollIntervalMs = record.pollIntervalMs;
  return out;
}


/**
 * The full 2026 task state, as `tasks/get` shows it (TKX-03, TKX-04, TKX-07) and `notifications/tasks` carries it
 * (TKX-09): {@link taskFields}, plus `result` (with `resultType: "complete"`) when completed, `error` when failed,
 * and the open `inputRequests` when input_required. Without `resultType` and `_meta`, which the answer adds.
 * @param record The task.
 * @returns The wire fields.
 */
export function taskState(record: TaskRecord): Record<string, unknown> {
  const out = taskFields(record);
  if (record.status === 'completed' && isPlainObject(record.result)) out.result = { ...record.result, resultType: 'complete' };
  if (record.status === 'failed' && record.error !== undefined) out.error = record.error;
  if (record.status === 'input_required' && record.inputRequests !== undefined) out.inputRequests = record.inputRequests;
  return out;
}
