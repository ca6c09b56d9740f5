/**
 * @module The notification bus: how code outside a request (an admin endpoint, a file watcher, later another
 * process through Redis or similar) announces that tools, prompts or resources changed. The transports subscribe
 * to it and turn each event into `notifications/*` on the streams that asked for it (SUB-04, SUB-07, SUB-08).
 */

/** A change the server announces. */
export type McpEvent =
  | { readonly type: 'tools/list_changed' }
  | { readonly type: 'prompts/list_changed' }
  | { readonly type: 'resources/list_changed' }
  | { readonly type: 'resources/updated'; readonly uri: string };

/** The `type` of an {@link McpEvent}. */
export type McpEventType = McpEvent['type'];

/** Every {@link McpEventType}, in a fixed order. */
export const MCP_EVENT_TYPES: readonly McpEventType[] = Object.freeze([
  'tools/list_changed',
  'prompts/list_changed',
  'resources/list_changed',
  'resources/updated',
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
const BARE_EVENTS: Readonly<Record<Exclude<McpEventType, 'resources/updated'>, McpEvent>> = Object.freeze({
  'tools/list_changed': Object.freeze({ type: 'tools/list_changed' }),
  'prompts/list_changed': Object.freeze({ type: 'prompts/list_changed' }),
  'resources/list_changed': Object.freeze({ type: 'resources/list_changed' }),
});

/**
 * Checks that `value` is an {@link McpEvent} and returns a frozen copy holding only its known fields, so that no
 * listener can change what the others see. Bus implementations that receive events from elsewhere (another
 * process, a queue) should run what they receive through it too.
 *
 * @param value - The candidate event.
 * @returns A frozen, normalised copy of the event.
 * @throws TypeError when `value` is not an object, its `type` is unknown, or a `resources/updated` event's `uri`
 *   is not a non-empty string.
 * @example
 * toMcpEvent({ type: 'resources/updated', uri: 'file:///a.txt' }); // { type: 'resources/updated', uri: 'file:///a.txt' }
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
