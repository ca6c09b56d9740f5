/**
 * @module Tasks (checklist §8): the state machine, ids, the record store and its in-memory implementation.
 */

export {
  TASK_EVENTS,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  TERMINAL_TASK_STATUSES,
  isAllowedTaskStatusChange,
  isTaskStatus,
  isTerminal,
  nextTaskState,
} from './machine';
export type { TaskEvent, TaskStatus } from './machine';
export { TASK_ID_BYTES, createTaskId } from './id';
export {
  DEFAULT_TASK_UPDATE_ATTEMPTS,
  TaskStoreFullError,
  createTaskRecord,
  patchTask,
  taskNotFound,
  transitionTask,
} from './store';
export type {
  NewTaskRecord,
  TaskDataPatch,
  TaskPage,
  TaskPatchInput,
  TaskPatchOptions,
  TaskRecord,
  TaskRecordInit,
  TaskStore,
  TaskUpdate,
  TaskUpdateOptions,
} from './store';
export { createMemoryTaskStore } from './memory-store';
export type { MemoryTaskStore, MemoryTaskStoreOptions, MemoryTaskStoreStats } from './memory-store';
