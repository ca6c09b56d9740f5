/**
 * @module The task state machine (checklist §8) as a pure transition table.
 *
 * One table serves both task flavours: the experimental core tasks of 2025-11-25 (§8.1, TK1-*) and
 * the 2026-07-28 extension `io.modelcontextprotocol/tasks` (§8.2, TKX-*). Their wire shapes differ
 * (TRAP-13) but the states and the allowed moves are the same. A task starts in `working`:
 *
 * - `working → input_required | completed | failed | cancelled`
 * - `input_required → working | completed | failed | cancelled`
 * - `completed`, `failed` and `cancelled` are terminal and MUST NOT change again.
 *
 * Every other move is illegal, including staying put (`working → working`,
 * `input_required → input_required`). Changing other fields of a task (status message, poll
 * interval, …) is not a state transition and does not go through this table.
 */

/** The status of a task (§8, TK1-04, TKX-03). `completed`, `failed` and `cancelled` are terminal. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/**
 * What can happen to a task:
 * - `needInput`: the task waits for the client (25-11: elicitation/sampling through `tasks/result`,
 *   TK1-06; 26-07: outstanding `inputRequests`, TKX-04);
 * - `resume`: the input arrived (26-07: `tasks/update`, TKX-05) and the task works again;
 * - `complete`: the task produced its result (an `isError` tool result is `failed` in 25-11, TK1-09,
 *   but `completed` in 26-07, TKX-07: the caller picks the event);
 * - `fail`: the task ended with a JSON-RPC error (TKX-07) or, in 25-11, an `isError` result;
 * - `cancel`: `tasks/cancel` (TK1-07, TKX-06) or a server-side abort.
 */
export type TaskEvent = 'needInput' | 'resume' | 'complete' | 'fail' | 'cancel';

/** Every task status, non-terminal first. */
export const TASK_STATUSES: readonly TaskStatus[] = Object.freeze([
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
] as const);

/** Every task event. */
export const TASK_EVENTS: readonly TaskEvent[] = Object.freeze(['needInput', 'resume', 'complete', 'fail', 'cancel'] as const);

/** The terminal statuses (§8: MUST NOT change again). */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = Object.freeze(['completed', 'failed', 'cancelled'] as const);

/** The transition table: `TASK_TRANSITIONS[status][event]` is the next status; a missing entry means the event is illegal there. */
export const TASK_TRANSITIONS: { readonly [S in TaskStatus]: { readonly [E in TaskEvent]?: TaskStatus } } = Object.freeze({
  working: Object.freeze({
    // §8: working → input_required (TK1-06, TKX-04).
    needInput: 'input_required',
    // §8: working → completed | failed | cancelled (TK1-07, TK1-09, TKX-06, TKX-07).
    complete: 'completed',
    fail: 'failed',
    cancel: 'cancelled',
    // `resume` is absent: working → working is not a move (§8).
  }),
  input_required: Object.freeze({
    // §8: input_required → working once the input arrived (TKX-05).
    resume: 'working',
    complete: 'completed',
    fail: 'failed',
    cancel: 'cancelled',
    // `needInput` is absent: input_required → input_required by itself is illegal (§8).
  }),
  // §8: terminal statuses never change; ERR-07 / TK1-07: cancelling one is -32602.
  completed: Object.freeze({}),
  failed: Object.freeze({}),
  cancelled: Object.freeze({}),
});

/**
 * The next status, or undefined when the event is not allowed in that status (§8). Pure.
 * @param status The current status.
 * @param event What happened.
 * @returns The status after the event, or undefined when the move is forbidden.
 */
export function nextTaskState(status: TaskStatus, event: TaskEvent): TaskStatus | undefined {
  // Own-property checks keep untyped callers (e.g. `'toString'`) from reaching Object.prototype.
  if (!Object.hasOwn(TASK_TRANSITIONS, status)) return undefined;
  const row = TASK_TRANSITIONS[status];
  return Object.hasOwn(row, event) ? row[event] : undefined;
}

/**
 * Whether the status is terminal (`completed`, `failed`, `cancelled`; §8).
 * @param status A task status.
 * @returns True for a terminal status; false otherwise (also for unknown strings).
 */
export function isTerminal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/**
 * Whether `value` is one of the {@link TASK_STATUSES}.
 * @param value Anything.
 * @returns True when it is a task status.
 */
export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}

/**
 * Whether some event moves a task from `from` to `to` (§8). A status-to-status view of
 * {@link TASK_TRANSITIONS} for code that stores statuses rather than events (e.g. a store
 * refusing to rewrite a terminal task). Staying in the same status is not a move and gives false.
 * @param from The current status.
 * @param to The proposed status.
 * @returns True when the change is an allowed transition.
 */
export function isAllowedTaskStatusChange(from: TaskStatus, to: TaskStatus): boolean {
  if (!Object.hasOwn(TASK_TRANSITIONS, from)) return false;
  const row: { readonly [E in TaskEvent]?: TaskStatus } = TASK_TRANSITIONS[from];
  return TASK_EVENTS.some((event) => Object.hasOwn(row, event) && row[event] === to);
}
