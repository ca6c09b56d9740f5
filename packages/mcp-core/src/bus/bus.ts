/**
 * @module The notification bus: how code outside a request (an admin endpoint, a file watcher, the task runtime,
 * later another process through Redis or similar) announces that tools, prompts, resources or tasks changed. The
 * transports subscribe to it and turn each event into `notifications/*` on the streams that asked for it (SUB-04,
 * SUB-07, SUB-08, TKX-09).
 */

import { isPlainObject } from '../plain-object';
import { isTaskStatus } from '../tasks/machine';

/**
 * A task's status changed (2026 tasks extension, TKX-09). Only 2026 `subscriptions/listen` streams that asked for
 * `taskId` in `notifications.taskIds`, and whose principal is `owner`, receive it, as `notifications/tasks`.
 */
export interface TaskStatusEvent {
  readonly type: 'tasks/status';
  /** The task id. */
  readonly taskId: string;
  /** The principal that owns the task (TK1-10); it never reaches the wire. */
  readonly owner: string;
  /**
   * The full task state as `tasks/get` shows it, without `resultType` and the server's `_meta`: `taskId`,
   * `status`, the times, `ttlMs`, and `result`, `error` or `inputRequests` when the status has them.
   */
  readonly task: Readonly<Record<string, unknown>>;
  /** The 2025-11-25 session that created the task, whose GET stream hears `notifications/tasks/status` (TK1-08). */
  readonly session?: string;
}

/** A change the server announces. */
export type McpEvent =
  | { readonly type: 'tools/list_changed' }
  | { readonly type: 'prompts/list_changed' }
  | { readonly type: 'resources/list_changed' }
  | { readonly type: 'resources/updated'; readonly uri: string }
  | TaskStatusEvent;

/** The `type` of an {@link McpEvent}. */
export type McpEventType = McpEvent['type'];

/** Every {@link McpEventType}, in a fixed order. */
export const MCP_EVENT_TYPES: readonly McpEventType[] = Object.freeze([
  'tools/list_changed',
  'prompts/list_changed',
  'resources/list_changed',
  'resources/updated',
  'tasks/status',
] as const);

/** Carries events to every listener, in this process or (for other implementations) across processes. */
export interface NotificationBus {
  /** Announces an event to every subscriber (including this process's own). */
  publish(event: McpEvent): void | Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: McpEvent) => void): () => void;
}

/** Options for {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Receives what a listener threw (or the rejection of the promise it returned). Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Frozen events without payload, shared by every publish (they carry nothing that could differ). */
const BARE_EVENTS: Readonly<Record<Exclude<McpEventType, 'resources/updated' | 'tasks/status'>, McpEvent>> = Object.freeze({
  'tools/list_changed': Object.freeze({ type: 'tools/list_changed' }),
  'prompts/list_changed': Object.freeze({ type: 'prompts/list_changed' }),
  'resources/list_changed': Object.freeze({ type: 'resources/list_changed' }),
});


/** Freezes a parsed JSON value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validates a `tasks/status` event and returns a deep-frozen JSON copy of it (TKX-09). */
function toTaskStatusEvent(value: Record<string, unknown>): TaskStatusEvent {
  const { taskId, owner, task, session } = value;
  if (session !== undefined && (typeof session !== 'string' || session.length === 0)) throw new TypeError('A tasks/status event\'s session must be a non-empty string when given');
  if (typeof taskId !== 'string' || taskId.length === 0) throw new TypeError('A tasks/status event needs a non-empty string taskId');
  if (typeof owner !== 'string' || owner.length === 0) throw new TypeError('A tasks/status event needs a non-empty string owner');
  if (!isPlainObject(task)) throw new TypeError('A tasks/status event needs task, the task state object');
  if (task.taskId !== taskId) throw new TypeError('A tasks/status event\'s task.taskId must equal its taskId');
  if (!isTaskStatus(task.status)) throw new TypeError(`A tasks/status event's task.status must be a task status, got ${JSON.stringify(task.status) ?? typeof task.status}`);
  let copy: Record<string, unknown>;
  try {
    // A JSON copy: what goes on the wire (and across processes) is JSON, and no listener shares the publisher's objects.
    copy = JSON.parse(JSON.stringify(task)) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError('A tasks/status event\'s task must be JSON-serialisable', { cause: error });
  }
  const event: TaskStatusEvent = session === undefined
    ? { type: 'tasks/status', taskId, owner, task: deepFreeze(copy) }
    : { type: 'tasks/status', taskId, owner, task: deepFreeze(copy), session };
  return Object.freeze(event);
}

/**
 * Checks that `value` is an {@link McpEvent} and returns a frozen copy holding only its known fields, so that no
 * listener can change what the others see. Bus implementations that receive events from elsewhere (another
 * process, a queue) should run what they receive through it too.
 *
 * @param value - The candidate event.
 * @returns A frozen, normalised copy of the event (a `tasks/status` event's `task` is a deep-frozen JSON copy).
 * @throws TypeError when `value` is not an object, its `type` is unknown, a `resources/updated` event's `uri`
 *   is not a non-empty string, or a `tasks/status` event lacks a non-empty `taskId` or `owner`, or its `task` is
 *   not a JSON object whose `taskId` is the event's and whose `status` is a task status.
 * @example
 * toMcpEvent({ type: 'resources/updated', uri: 'file:///a.txt' }); // { type: 'resources/updated', uri: 'file:///a.txt' }
 * toMcpEvent({ type: 'tasks/status', taskId: 't1', owner: 'anonymous', task: { taskId: 't1', status: 'working' } });
 * toMcpEvent({ type: 'tools/changed' });                           // throws TypeError
 */
export function toMcpEvent(value: unknown): McpEvent {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('An MCP event must be an object');
  }
  const type = (value as { type?: unknown }).type;
  if (type === 'resources/updated') {
    const uri = (value as { uri?: unknown }).uri;
    if (typeof uri !== 'string' || uri.length === 0) {
      throw new TypeError('A resources/updated event needs a non-empty string uri');
    }
    return Object.freeze({ type, uri });
  }
  if (type === 'tasks/status') return toTaskStatusEvent(value as Record<string, unknown>);
  if (typeof type === 'string' && Object.prototype.hasOwnProperty.call(BARE_EVENTS, type)) {
    return BARE_EVENTS[type as keyof typeof BARE_EVENTS];
  }
  throw new TypeError(`Unknown MCP event type: ${typeof type === 'string' ? JSON.stringify(type) : typeof type}`);
}

/** One `subscribe` call: an object of its own, so the same function subscribed twice is two independent entries. */
interface Entry {
  readonly listener: (event: McpEvent) => void;
}

/** Reports a listener failure without letting a failing reporter stop the fan-out. */
function report(onError: (error: unknown) => void, error: unknown): void {
  try {
    onError(error);
  } catch (reporterError) {
    console.error(reporterError);
  }
}

/**
 * Creates the in-memory bus (the default): synchronous fan-out in this process.
 *
 * `publish` validates the event (a bad publisher fails loudly with a TypeError before anyone hears it), then calls
 * every listener subscribed at that moment, in subscription order, before it returns. A listener that throws, or
 * returns a promise that rejects, does not stop the others: its error goes to `onError`. A listener added or
 * removed during a publish takes effect from the next publish.
 *
 * @param options - Where listener errors go.
 * @returns The bus.
 * @example
 * const bus = createMemoryBus();
 * const stop = bus.subscribe((event) => hub.dispatch(event));
 * bus.publish({ type: 'resources/updated', uri: 'file:///notes/today.md' });
 * stop();
 */
export function createMemoryBus(options: MemoryBusOptions = {}): NotificationBus {
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  if (typeof onError !== 'function') throw new TypeError('onError must be a function');
  const entries = new Set<Entry>();

  return {
    publish(event: McpEvent): void {
      const checked = toMcpEvent(event);
      if (entries.size === 0) return;
      // A snapshot: subscribe/unsubscribe inside a listener applies from the next publish.
      for (const entry of Array.from(entries)) {
        try {
          const returned: unknown = entry.listener(checked);
          if (typeof returned === 'object' && returned !== null && typeof (returned as PromiseLike<unknown>).then === 'function') {
            (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => report(onError, error));
          }
        } catch (error) {
          report(onError, error);
        }
      }
    },
    subscribe(listener: (event: McpEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('A bus listener must be a function');
      const entry: Entry = { listener };
      entries.add(entry);
      return () => {
        entries.delete(entry);
      };
    },
  };
}
