/**
 * @module The `withTasks` feature.
 */
import { SessionTasks, task2025FromState } from '../http/session-tasks';
import { createMemoryTaskStore } from '../tasks/memory-store';
import { TaskRuntime } from '../tasks/runtime';
import type { McpFeature } from './kit';

/**
 * Tasks, in both forms: the 2026-07-28 tasks extension (`io.modelcontextprotocol/tasks`) and the 2025-11-25
 * task-augmented `tools/call` with `tasks/*`. Needed for tools registered with `task`, and for the `tasks` option.
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withTasks] });
 * ```
 */
export const withTasks: McpFeature = { name: 'withTasks', '~kit': { tasks: { TaskRuntime, SessionTasks, createMemoryTaskStore, task2025FromState } } };
