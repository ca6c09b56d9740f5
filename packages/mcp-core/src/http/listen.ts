/**
 * @module The open `subscriptions/listen` streams of the 2026-07-28 stateless path (checklist §6.3, SUB-01..SUB-08).
 *
 * Each listen request becomes one SSE response whose first event is the acknowledgement (SUB-03); events from the
 * notification bus are then fanned out to the streams whose filter asked for them, each copy tagged with that
 * stream's own subscription id (SUB-04, SUB-07). Task status changes go only to streams that asked for that task
 * and whose principal owns it (TKX-09). The stream ends when the client goes away (abort or cancel, an
 * abrupt close with no response) or when the server ends it with the final listen result (SUB-06, TRAP-11).
 */

import { isPlainObject } from '../plain-object';
import type { McpEvent, TaskStatusEvent } from '../bus/bus';
import type { JsonRpcId } from '../jsonrpc/messages';
import { resultText } from '../jsonrpc/serialize';
import { encodeSseEvent } from '../sse/encode';
import { createSseStream, SSE_HEADERS } from '../sse/stream';
import type { SseStream } from '../sse/stream';
import { streamResponse } from './text-response';

/** The `_meta` key that ties every message on a listen stream to its subscription (SUB-03, SUB-04). */
export const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';

/** The notification types a client opts in to on `subscriptions/listen` (SUB-01); omitted or false means not subscribed. */
export interface SubscriptionFilter {
  /** Receive `notifications/tools/list_changed`. */
  toolsListChanged?: boolean;
  /** Receive `notifications/prompts/list_changed`. */
  promptsListChanged?: boolean;
  /** Receive `notifications/resources/list_changed`. */
  resourcesListChanged?: boolean;
  /** Receive `notifications/resources/updated` for these URIs and their sub-resources. */
  resourceSubscriptions?: string[];
  /** Receive `notifications/tasks` for these tasks (2026 tasks extension, TKX-09); honoured only for a known principal. */
  taskIds?: string[];
}

/** How the {@link ListenHub} runs its streams and what the server honours. */
export interface ListenSettings {
  /** SSE comment keep-alive period in ms (0 disables). Each open stream holds one timer when it is above 0. */
  readonly keepAliveMs: number;
  /** Slow-reader cap in bytes, passed to createSseStream: a stream further behind is cut off. */
  readonly maxBufferedBytes: number;
  /** Cap on open listen streams (see {@link ListenHub.full}). */
  readonly maxStreams: number;
  /** What the server honours (SUB-08): list kinds whose capability declares listChanged, and resources.subscribe. */
  readonly honours: {
    readonly toolsListChanged: boolean;
    readonly promptsListChanged: boolean;
    readonly resourcesListChanged: boolean;
    readonly resourceSubscriptions: boolean;
  };
  /** `_meta` entries added to the final listen result (e.g. the serverInfo entry). */
  readonly resultMeta: Readonly<Record<string, unknown>>;
}

/** The three list kinds, as filter keys. */
type ListKind = 'toolsListChanged' | 'promptsListChanged' | 'resourcesListChanged';

/** One open listen stream. */
interface Subscription {
  /** The listen request's id, type kept (TRAP-19). */
  readonly id: JsonRpcId;
  /** `id` as JSON text, spliced into every message. */
  readonly idJson: string;
  readonly tools: boolean;
  readonly prompts: boolean;
  readonly resourcesList: boolean;
  /** Honoured resource subscriptions; undefined when none. */
  readonly resources: ReadonlySet<string> | undefined;
  /** Accepted task ids (each indexed in the hub's task index); undefined when none, so plain streams pay nothing. */
  readonly taskIds: readonly string[] | undefined;
  /** The principal the stream's tasks must belong to (TK1-10); undefined when it asked for no task. */
  readonly owner: string | undefined;
  readonly sse: SseStream;
}

/** Method names of the list notifications, by event type. */
const LIST_METHODS = {
  'tools/list_changed': 'notifications/tools/list_changed',
  'prompts/list_changed': 'notifications/prompts/list_changed',
  'resources/list_changed': 'notifications/resources/list_changed',
} as const;

/** JSON text between a list notification's method and the subscription id. */
const metaOpen = `,"params":{"_meta":{${JSON.stringify(SUBSCRIPTION_ID_META_KEY)}:`;

/** One SSE frame `data: <prefix><id><suffix>\n\n`: the prefix is built once per event, the id differs per stream (SUB-04). */
const frame = (prefix: string, idJson: string, suffix: string): string => encodeSseEvent({ data: prefix + idJson + suffix });


/**
 * The JSON text of a `notifications/tasks` message up to its subscription id (TKX-09, SUB-04): params are the task
 * state, its `_meta` (if any) kept, with the subscription id as the last `_meta` entry. Close it with `}}}`.
 */
function taskPrefix(task: Readonly<Record<string, unknown>>): string {
  const { _meta: meta, ...rest } = task;
  const others: Record<string, unknown> = {};
  if (isPlainObject(meta)) {
    for (const [k, v] of Object.entries(meta)) if (k !== SUBSCRIPTION_ID_META_KEY) others[k] = v;
  }
  // `_meta` is the last key (no other key is an array index), so the text ends with the `}}` of `_meta` and params.
  const params = JSON.stringify({ ...rest, _meta: others });
  const open = params.slice(0, -2);
  return `{"jsonrpc":"2.0","method":"notifications/tasks","params":${open}${open.endsWith('{') ? '' : ','}${JSON.stringify(SUBSCRIPTION_ID_META_KEY)}:`;
}

/** Throws a RangeError unless `value` is a non-negative number (Infinity allowed when `infinite`). */
function checkCount(name: string, value: unknown, infinite: boolean): void {
  if (typeof value !== 'number' || !(value >= 0) || (!infinite && !Number.isFinite(value))) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
}

/**
 * The candidates a subscription must hold for `uri` to match it (SUB-08): `uri` itself, every prefix of it that is
 * followed by '/', '?' or '#', and every prefix that ends in '/' (so a subscription to a "directory" URI such as
 * `file:///notes/` covers `file:///notes/a.md`). `test://a` is therefore a candidate for `test://a/x`, `test://a?v=2`
 * and `test://a#top`, never for `test://ab`.
 */
function uriCandidates(uri: string): string[] {
  const out = [uri];
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    // '/' = 47, '?' = 63, '#' = 35
    if (c === 47 || c === 63 || c === 35) {
      if (i > 0) out.push(uri.slice(0, i));
      if (c === 47 && i + 1 < uri.length) out.push(uri.slice(0, i + 1));
    }
  }
  return out;
}

/**
 * The open listen streams of this process. The transport validates the listen request, checks {@link full}, then
 * calls {@link open}; a bus listener calls {@link dispatch}; shutdown calls {@link close}.
 *
 * Resources: each open stream is one entry in the hub and, when `keepAliveMs > 0`, one keep-alive timer (see
 * {@link timers}); both go as soon as the stream ends, whichever side ends it.
 *
 * @example
 * const hub = new ListenHub({ keepAliveMs: 15_000, maxBufferedBytes: 1 << 20, maxStreams: 1000,
 *   honours: { toolsListChanged: true, promptsListChanged: false, resourcesListChanged: true, resourceSubscriptions: true },
 *   resultMeta: { 'io.modelcontextprotocol/serverInfo': { name: 'demo', version: '1.0.0' } } });
 * bus.subscribe((event) => hub.dispatch(event));
 * if (hub.full) return tooBusy();
 * return hub.open(message.id, message.params.notifications, request.signal);
 */
export class ListenHub {
  readonly #settings: ListenSettings;
  readonly #subs = new Set<Subscription>();
  /** Task id → the streams that accepted it (TKX-09): a task event touches only them, whatever the stream count. */
  readonly #byTask = new Map<string, Set<Subscription>>();

  /**
   * @param settings - Keep-alive, buffer cap, stream cap, what the server honours and the final result's `_meta`.
   * @throws RangeError when `keepAliveMs`, `maxBufferedBytes` or `maxStreams` is negative or not a number
   *   (`maxStreams` may be Infinity).
   */
  constructor(settings: ListenSettings) {
    checkCount('keepAliveMs', settings.keepAliveMs, false);
    checkCount('maxBufferedBytes', settings.maxBufferedBytes, true);
    checkCount('maxStreams', settings.maxStreams, true);
    this.#settings = settings;
  }

  /** Open listen streams. */
  get count(): number {
    return this.#subs.size;
  }

  /** Whether a new stream would exceed maxStreams. */
  get full(): boolean {
    return this.#subs.size >= this.#settings.maxStreams;
  }

  /** Keep-alive timers held by the open streams: one per stream when keepAliveMs > 0, else none. */
  get timers(): number {
    return this.#settings.keepAliveMs > 0 ? this.#subs.size : 0;
  }

  /**
   * Opens one subscription (the caller already validated the envelope and params and checked `full`). Returns a 200
   * SSE Response whose first event is `notifications/subscriptions/acknowledged` with params
   * `{ notifications: <the honoured subset of the filter>, _meta: { 'io.modelcontextprotocol/subscriptionId': id } }`:
   * false, absent and unsupported kinds are omitted, and `resourceSubscriptions` appears only when honoured and
   * non-empty (SUB-03, SUB-08; the id keeps its JSON type, TRAP-19). Nothing for the subscription goes out before it.
   *
   * `taskIds` (2026 tasks extension) is honoured only with an `owner`: the transport passes the listener's principal
   * once it has checked that the request declared the extension (TKX-08). The ack then lists the distinct non-empty
   * ids (unknown ones included: a task of another principal is simply never delivered, so the ack reveals nothing),
   * and `notifications/tasks` for one of them reaches this stream only when the task's owner is `owner` (TKX-09,
   * TK1-10). Without an owner, or with no id left, `taskIds` is omitted from the ack.
   *
   * `signal` (the HTTP request's abort signal, optional) ends the subscription when it aborts; the reader cancelling
   * the body does too (SUB-07). Both are abrupt closes: no final result is sent (SUB-06). Nothing survives the close:
   * no timer, no hub entry, no abort listener.
   *
   * @param id - The listen request's JSON-RPC id; it becomes the subscription id.
   * @param filter - The request's `params.notifications` (SUB-01).
   * @param signal - Ends the subscription when it aborts.
   * @param owner - The listener's principal, exactly as tasks are owned; without it `taskIds` is not honoured.
   * @returns The streaming response.
   */
  open(id: JsonRpcId, filter: SubscriptionFilter, signal?: AbortSignal, owner?: string): Response {
    const honours = this.#settings.honours;
    const wants = (kind: ListKind): boolean => filter[kind] === true && honours[kind] === true;
    const tools = wants('toolsListChanged');
    const prompts = wants('promptsListChanged');
    const resourcesList = wants('resourcesListChanged');
    let uris: string[] | undefined;
    if (honours.resourceSubscriptions === true && Array.isArray(filter.resourceSubscriptions)) {
      uris = [...new Set(filter.resourceSubscriptions.filter((u): u is string => typeof u === 'string'))];
      if (uris.length === 0) uris = undefined;
    }
    let taskIds: string[] | undefined;
    if (owner !== undefined && Array.isArray(filter.taskIds)) {
      taskIds = [...new Set(filter.taskIds.filter((t): t is string => typeof t === 'string' && t !== ''))];
      if (taskIds.length === 0) taskIds = undefined;
    }

    const notifications: SubscriptionFilter = {};
    if (tools) notifications.toolsListChanged = true;
    if (prompts) notifications.promptsListChanged = true;
    if (resourcesList) notifications.resourcesListChanged = true;
    if (uris !== undefined) notifications.resourceSubscriptions = uris;
    if (taskIds !== undefined) notifications.taskIds = taskIds;

    let sub: Subscription | undefined;
    const onAbort = (): void => sub?.sse.close();
    const sse = createSseStream({
      keepAliveMs: this.#settings.keepAliveMs,
      maxBufferedBytes: this.#settings.maxBufferedBytes,
      // close, cancel (SUB-07) or overflow: forget the stream and its abort listener.
      onClose: () => {
        if (sub !== undefined) this.#forget(sub);
        signal?.removeEventListener('abort', onAbort);
      },
    });

    // SUB-03: the acknowledgement is the first frame, queued before the stream can receive anything else.
    sse.send(
      encodeSseEvent({
        data: JSON.stringify({
          jsonrpc: '2.0',
          method: 'notifications/subscriptions/acknowledged',
          params: { notifications, _meta: { [SUBSCRIPTION_ID_META_KEY]: id } },
        }),
      }),
    );

    sub = {
      id,
      idJson: JSON.stringify(id),
      tools,
      prompts,
      resourcesList,
      resources: uris === undefined ? undefined : new Set(uris),
      taskIds,
      owner: taskIds === undefined ? undefined : owner,
      sse,
    };

    if (signal?.aborted === true) {
      // The client left before we answered: end at once, registering nothing.
      sse.close();
    } else if (!sse.closed) {
      this.#subs.add(sub);
      if (taskIds !== undefined) {
        for (const taskId of taskIds) {
          let set = this.#byTask.get(taskId);
          if (set === undefined) this.#byTask.set(taskId, (set = new Set()));
          set.add(sub);
        }
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    return streamResponse(sse, SSE_HEADERS);
  }

  /**
   * Sends one event to every stream whose filter asked for it, each copy tagged with that stream's own id in
   * `params._meta['io.modelcontextprotocol/subscriptionId']` (SUB-04, SUB-07). `resources/updated` goes to streams
   * whose resourceSubscriptions hold the uri or a parent of it: the uri equals a subscribed uri, or starts with it
   * followed by '/', '?' or '#', or starts with a subscribed uri that ends in '/' (SUB-08).
   *
   * The JSON around the id is built once per event, and only when some stream matches; each matching stream costs
   * one string concatenation. Unrequested kinds are never sent (SUB-04); progress and log messages never come
   * through here (SUB-05).
   *
   * `tasks/status` becomes `notifications/tasks` with params = the task state plus the subscription id in `_meta`,
   * sent only to streams whose ack accepted the task id and whose owner is the task's owner (TKX-09, TK1-10). The
   * streams are found through an index by task id, so a task event costs nothing per unrelated stream.
   *
   * @param event - The change, as published on the bus.
   */
  dispatch(event: McpEvent): void {
    if (this.#subs.size === 0) return;
    if (event.type === 'tasks/status') {
      this.#dispatchTask(event);
      return;
    }
    if (event.type === 'resources/updated') {
      let candidates: string[] | undefined;
      let prefix: string | undefined;
      for (const sub of this.#subs) {
        const set = sub.resources;
        if (set === undefined) continue;
        candidates ??= uriCandidates(event.uri);
        if (!candidates.some((c) => set.has(c))) continue;
        prefix ??= `{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":${JSON.stringify(event.uri)},"_meta":{${JSON.stringify(SUBSCRIPTION_ID_META_KEY)}:`;
        sub.sse.send(frame(prefix, sub.idJson, '}}}'));
      }
      return;
    }
    const method = LIST_METHODS[event.type];
    // Defensive: an event from another bus implementation that skipped toMcpEvent.
    if (method === undefined) return;
    const key = event.type === 'tools/list_changed' ? 'tools' : event.type === 'prompts/list_changed' ? 'prompts' : 'resourcesList';
    let prefix: string | undefined;
    for (const sub of this.#subs) {
      if (!sub[key]) continue;
      prefix ??= `{"jsonrpc":"2.0","method":"${method}"${metaOpen}`;
      sub.sse.send(frame(prefix, sub.idJson, '}}}'));
    }
  }

  #dispatchTask(event: TaskStatusEvent): void {
    // Defensive: an event from another bus implementation that skipped toMcpEvent.
    if (typeof event.taskId !== 'string' || typeof event.owner !== 'string' || !isPlainObject(event.task)) return;
    const subs = this.#byTask.get(event.taskId);
    if (subs === undefined) return;
    let prefix: string | undefined;
    // A snapshot: a send can close a slow stream, which leaves the set.
    for (const sub of Array.from(subs)) {
      if (sub.owner !== event.owner) continue;
      prefix ??= taskPrefix(event.task);
      sub.sse.send(frame(prefix, sub.idJson, '}}}'));
    }
  }

  /** Drops a closed stream from the hub and from the task index. */
  #forget(sub: Subscription): void {
    this.#subs.delete(sub);
    if (sub.taskIds === undefined) return;
    for (const taskId of sub.taskIds) {
      const set = this.#byTask.get(taskId);
      if (set === undefined) continue;
      set.delete(sub);
      if (set.size === 0) this.#byTask.delete(taskId);
    }
  }

  /**
   * Ends every open stream the graceful way: sends the final listen result
   * `{"jsonrpc":"2.0","id":<id>,"result":{"resultType":"complete","_meta":{...resultMeta,"io.modelcontextprotocol/subscriptionId":<id>}}}`
   * then closes (SUB-06, TRAP-11: on HTTP the final result, then close; no `notifications/cancelled`). The hub stays
   * usable: later `open` calls start new streams.
   */
  close(): void {
    if (this.#subs.size === 0) return;
    const meta = this.#settings.resultMeta;
    for (const sub of Array.from(this.#subs)) {
      const text = resultText(sub.id, { resultType: 'complete', _meta: { ...meta, [SUBSCRIPTION_ID_META_KEY]: sub.id } });
      sub.sse.send(encodeSseEvent({ data: text }));
      sub.sse.close();
    }
  }
}
