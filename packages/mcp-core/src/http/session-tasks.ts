/**
 * The 2025-11-25 experimental core tasks on the session path (checklist §8.1): task-augmented `tools/call`,
 * `tasks/get`, `tasks/result` (blocks until the task ends, asking the client for input on its own stream),
 * `tasks/list` and `tasks/cancel`. The same {@link TaskRuntime} runs the handlers as for the 2026 extension.
 */
import { isPlainObject } from '../plain-object';
import { McpError, toErrorObject } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import type { JsonRpcRequest } from '../jsonrpc/messages';
import { errorText, resultText } from '../jsonrpc/serialize';
import type { Envelope } from '../protocol/envelope';
import type { InputRequest } from '../server/mrtr';
import type { Registry } from '../server/registry';
import { isTerminal } from '../tasks/machine';
import type { TaskRecord } from '../tasks/store';
import { taskFields } from '../tasks/extension';
import type { TaskRuntime } from '../tasks/runtime';
import type { TaskRelay } from '../tasks/relayed-context';
import type { RequestContext } from '../types';
import type { Channel } from './exchange';
import type { CallContext, LiveSession } from './live-session';

/** Thrown inside `tasks/result` when the client cancelled it: nothing is owed (CAN-01). */
const CANCELLED: unique symbol = Symbol('cancelled');

/** `_meta` key tying a message to a task (TK1-08). */
export const META_RELATED_TASK = 'io.modelcontextprotocol/related-task';


/**
 * A task as the 2025-11-25 form shows it (TK1-04): ISO times, `ttl` and `pollInterval` in ms.
 * @param record The stored task.
 * @returns The wire `Task`.
 */
export function task2025(record: TaskRecord): Record<string, unknown> {
  return task2025FromState(taskFields(record));
}

/**
 * `notifications/tasks/status` params from the shared task state (TK1-08: the full Task, no related-task `_meta`).
 * @param task The state a `tasks/status` bus event carries.
 * @returns The 2025 `Task`.
 */
export function task2025FromState(task: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    taskId: task.taskId,
    status: task.status,
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttl: task.ttlMs ?? null,
  };
  if (task.statusMessage !== undefined) out.statusMessage = task.statusMessage;
  if (task.pollIntervalMs !== undefined) out.pollInterval = task.pollIntervalMs;
  return out;
}

/**
 * A notification about a task with the task's related-task `_meta` added (TK1-08).
 * @param text A serialised notification (progress or log) whose params carry no related-task yet.
 * @param taskId The task.
 * @returns The tagged text.
 */
export function withRelatedTask(text: string, taskId: string): string {
  const message = JSON.parse(text) as { params?: Record<string, unknown> };
  const params = message.params ?? {};
  const meta = isPlainObject(params._meta) ? params._meta : {};
  message.params = { ...params, _meta: { ...meta, [META_RELATED_TASK]: { taskId } } };
  return JSON.stringify(message);
}

/** The task methods of 2025-11-25 sessions. */
export class SessionTasks {
  readonly #asking = new Map<string, Promise<void>>();
  /** `tasks/result` calls waiting on a task, by task id: the stream its notifications go on first. */
  readonly #waiting = new Map<string, Set<CallContext>>();

  /**
   * @param registry The tools.
   * @param runtime Runs the handlers; shared with the stateless path.
   * @param pageSize `tasks/list` page size.
   * @param onError Receives unexpected errors.
   * @param sessions The sessions this process holds, by id: where a task's notifications find its session.
   */
  constructor(
    private readonly registry: Registry,
    private readonly runtime: TaskRuntime,
    private readonly pageSize: number,
    private readonly onError: (error: unknown) => void,
    private readonly sessions: ReadonlyMap<string, LiveSession>,
  ) {}

  /**
   * Where a task's progress and logs go (TK1-09, PROG-02): the stream of a `tasks/result` waiting on the task
   * (TK1-06), else the GET stream of the session that created it; with neither they are dropped, as progress and
   * logs without a stream are. The session is looked up at each send, so a session that ended hears nothing.
   * @param sessionId The creating session.
   * @returns The relay.
   */
  #relay(sessionId: string): TaskRelay {
    return {
      send: (text, taskId) => {
        const tagged = withRelatedTask(text, taskId);
        for (const ctx of this.#waiting.get(taskId) ?? []) {
          if (!ctx.cancelled && ctx.exchange.related(tagged, false)) return;
        }
        const session = this.sessions.get(sessionId);
        if (session !== undefined && session.state !== 'closed') session.sendUnrelated(tagged);
      },
      logs: (level) => this.sessions.get(sessionId)?.logs(level) === true,
    };
  }

  /**
   * A session ended: the tasks only it could reach (no authenticated subject) are cancelled.
   * @param session The closed session.
   */
  sessionClosed(session: LiveSession): void {
    if (session.record.subject === undefined) void this.runtime.cancelOwnedBy(ownerOf(session));
  }

  /**
   * Serves the request when it is a task method or a task-related `tools/call`.
   * @returns true when it was handled (the answer goes on `exchange`), false to dispatch as usual.
   */
  handle(session: LiveSession, request: JsonRpcRequest, exchange: Channel, rctx: RequestContext | undefined): boolean {
    const method = request.method;
    if (method === 'tools/call') return this.#toolsCall(session, request, exchange, rctx);
    if (method !== 'tasks/get' && method !== 'tasks/result' && method !== 'tasks/list' && method !== 'tasks/cancel') return false;
    void this.#task(session, request, exchange, rctx).then(
      (text) => exchange.reply(text),
      (error) => exchange.reply(error === CANCELLED ? undefined : errorText(request.id, toErrorObject(error, this.onError))),
    );
    return true;
  }

  #toolsCall(session: LiveSession, request: JsonRpcRequest, exchange: Channel, rctx: RequestContext | undefined): boolean {
    const params = request.params;
    const name = params?.name;
    const tool = typeof name === 'string' ? this.registry.tools.get(name) : undefined;
    if (tool === undefined) return false; // unknown tool: the usual -32602
    const task = params?.task;
    if (task === undefined) {
      if (tool.task?.support !== 'required') return false;
      // TK1-02, TRAP-17: a required tool called without a task.
      exchange.reply(errorText(request.id, { code: ErrorCode.MethodNotFound, message: `Tool "${tool.name}" runs only as a task: call it with params.task (TK1-02)` }));
      return true;
    }
    if (tool.task === undefined) {
      exchange.reply(errorText(request.id, { code: ErrorCode.MethodNotFound, message: `Tool "${tool.name}" does not run as a task (execution.taskSupport is forbidden, TK1-02)` }));
      return true;
    }
    if (!isPlainObject(task) || (task.ttl !== undefined && task.ttl !== null && (typeof task.ttl !== 'number' || !(task.ttl >= 0)))) {
      exchange.reply(errorText(request.id, { code: ErrorCode.InvalidParams, message: 'params.task must be an object whose ttl, when given, is a number of ms >= 0' }));
      return true;
    }
    const ttl = typeof task.ttl === 'number' ? Math.floor(task.ttl) : undefined;
    const sid = session.record.id;
    void this.runtime.create(request, envelopeOf(session), rctx, ownerOf(session), tool.task, '2025', ttl, sid, this.#relay(sid)).then(
      ({ record, run }) => {
        // TK1-03: the task first, then the work.
        exchange.reply(resultText(request.id, { task: task2025(record) }));
        this.runtime.start(run);
      },
      (error) => exchange.reply(errorText(request.id, toErrorObject(error, this.onError))),
    );
    return true;
  }

  async #task(session: LiveSession, request: JsonRpcRequest, exchange: Channel, rctx: RequestContext | undefined): Promise<string> {
    const owner = ownerOf(session);
    if (request.method === 'tasks/list') {
      const cursor = request.params?.cursor;
      if (cursor !== undefined && typeof cursor !== 'string') throw new McpError(ErrorCode.InvalidParams, 'params.cursor must be a string');
      const page = await this.runtime.list(owner, cursor, this.pageSize);
      const result: Record<string, unknown> = { tasks: page.tasks.map(task2025) };
      if (page.nextCursor !== undefined) result.nextCursor = page.nextCursor;
      return resultText(request.id, result);
    }
    const taskId = request.params?.taskId;
    if (typeof taskId !== 'string' || taskId === '') throw new McpError(ErrorCode.InvalidParams, `${request.method} needs params.taskId, a non-empty string`);
    if (request.method === 'tasks/get') return resultText(request.id, task2025(await this.runtime.get(taskId, owner)));
    if (request.method === 'tasks/cancel') {
      const record = await this.runtime.get(taskId, owner);
      // TK1-07: a finished task cannot be cancelled.
      if (isTerminal(record.status)) throw new McpError(ErrorCode.InvalidParams, `Cannot cancel a task that is already ${record.status}`, { taskId, status: record.status });
      await this.runtime.cancel(taskId, owner);
      return resultText(request.id, task2025(await this.runtime.get(taskId, owner)));
    }
    return this.#result(session, request, taskId, owner, exchange, rctx);
  }

  /** TK1-06: waits for the end, asking the client on this call's stream whatever the task needs meanwhile. */
  async #result(session: LiveSession, request: JsonRpcRequest, taskId: string, owner: string, exchange: Channel, rctx: RequestContext | undefined): Promise<string> {
    const ctx = session.begin(request, exchange, rctx);
    const related = { [META_RELATED_TASK]: { taskId } };
    let waiting: Set<CallContext> | undefined;
    try {
      for (;;) {
        // CAN-01: a cancelled tasks/result owes no response (the task itself goes on).
        if (ctx.cancelled) throw CANCELLED;
        const record = await this.runtime.get(taskId, owner);
        // The task's progress and logs may go on this stream, once the task is known to be the caller's (TK1-10).
        if (waiting === undefined) {
          waiting = this.#waiting.get(taskId);
          if (waiting === undefined) this.#waiting.set(taskId, (waiting = new Set()));
          waiting.add(ctx);
        }
        if (isTerminal(record.status)) {
          if (record.error !== undefined) return errorText(request.id, record.error);
          if (!isPlainObject(record.result)) throw new McpError(ErrorCode.InternalError, `The task was ${record.status} before it produced a result`, { taskId });
          const meta = isPlainObject(record.result._meta) ? record.result._meta : {};
          return resultText(request.id, { ...record.result, _meta: { ...meta, ...related } });
        }
        if (record.status === 'input_required' && record.inputRequests !== undefined) {
          // One tasks/result asks; another one waiting on the same task does not ask the user again.
          const asking = this.#asking.get(taskId);
          if (asking !== undefined) {
            await asking.catch(() => {});
            continue;
          }
          const answers: Record<string, unknown> = {};
          const ask = Promise.all(
            Object.entries(record.inputRequests).map(async ([key, value]) => {
              const q = value as InputRequest;
              const params = { ...(q.params ?? {}), _meta: { ...((q.params as { _meta?: Record<string, unknown> } | undefined)?._meta ?? {}), ...related } };
              try {
                answers[key] = await ctx.ask({ method: q.method, params } as InputRequest);
              } catch (error) {
                throw ctx.cancelled ? CANCELLED : error;
              }
            }),
          ).then(() => this.runtime.update(taskId, owner, answers));
          this.#asking.set(taskId, ask);
          try {
            await ask;
          } finally {
            this.#asking.delete(taskId);
          }
          continue;
        }
        await this.runtime.changed(taskId, ctx.signal);
      }
    } finally {
      if (waiting !== undefined) {
        waiting.delete(ctx);
        if (waiting.size === 0 && this.#waiting.get(taskId) === waiting) this.#waiting.delete(taskId);
      }
      session.end(ctx);
    }
  }
}

/** The per-request view of a session's negotiated state, for handlers run by the task runtime. */
function envelopeOf(session: LiveSession): Envelope {
  const r = session.record;
  return { protocolVersion: r.protocolVersion, clientCapabilities: r.clientCapabilities, clientInfo: r.clientInfo, logLevel: undefined };
}

/** TK1-10: the authenticated subject, else the session. */
function ownerOf(session: LiveSession): string {
  const subject = session.record.subject;
  return subject === undefined ? `session:${session.record.id}` : `subject:${subject}`;
}

