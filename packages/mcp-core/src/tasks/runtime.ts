/**
 * Runs tool calls as tasks (checklist §8): a task outlives the request that started it, moves through the §8 state
 * machine in a {@link TaskStore}, asks for input by parking in `input_required` (MRTR inside a task, resumed by
 * `tasks/update`), and is cancelled through its handler's AbortSignal.
 *
 * The store holds what any process can read; the running handler lives in this process. Every status change is
 * announced as a `tasks/status` bus event (TKX-09), which listen streams that asked for the task turn into
 * `notifications/tasks`.
 */
import type { TaskStatusEvent } from '../bus/bus';
import { McpError, isMcpError, toErrorObject } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import type { JsonRpcRequest } from '../jsonrpc/messages';
import type { Envelope } from '../protocol/envelope';
import type { Call } from '../server/call';
import type { MethodHandler } from '../server/handlers';
import { inputRequestWire, isInputRequired, missingCapability, missingCapabilityError } from '../server/mrtr';
import type { Registry } from '../server/registry';
import type { ToolTaskConfig } from '../server/types';
import type { ObservedRun } from '../server/observe';
import type { RequestContext } from '../types';
import { StatelessContext } from '../http/stateless-context';
import { StatelessExchange } from '../http/stateless-exchange';
import type { StatelessStreamSettings } from '../http/stateless-exchange';
import { taskState } from './extension';
import { RelayedTaskContext } from './relayed-context';
import type { TaskRelay } from './relayed-context';
import { isTerminal } from './machine';
import { TaskStoreFullError, createTaskRecord, patchTask, taskNotFound, transitionTask } from './store';
import type { TaskRecord, TaskStore } from './store';


/** The tool a task runs, for its record: `params.name` when it is a string (never `String()` of a client's object). */
const toolName = (request: JsonRpcRequest): string => {
  const name = request.params?.name;
  return typeof name === 'string' ? name : '';
};

/** Resolved task settings. */
export interface TaskRuntimeSettings {
  readonly store: TaskStore;
  /** Default retention, ms. */
  readonly ttlMs: number;
  /** Default poll hint, ms. */
  readonly pollIntervalMs: number;
  readonly stream: StatelessStreamSettings;
  readonly onError: (error: unknown) => void;
  /**
   * Announces every status change (create, needInput, resume, complete, fail, cancel) as a `tasks/status` event
   * (TKX-09). It must not throw; what it throws goes to `onError`. Default: announce nothing.
   */
  readonly publish?: (event: TaskStatusEvent) => void;
  /** Instrumentation around handler runs (the `observe` option): each run of a task's handler. */
  readonly observe?: ObservedRun | undefined;
}

/** One task whose handler lives in this process. */
interface Running {
  readonly taskId: string;
  readonly owner: string;
  readonly request: JsonRpcRequest;
  readonly envelope: Envelope;
  readonly rctx: RequestContext | undefined;
  readonly ac: AbortController;
  answers: Record<string, unknown>;
  state: unknown;
  /** Aborts the attempt running now (its context). */
  cancelAttempt: ((reason: string) => void) | undefined;
  /** Which wire form created the task: the 2025-11-25 core form or the 2026 extension. */
  readonly wire: TaskWire;
  /** When the task record expires: a handler still parked then is dropped. */
  readonly expiresAt: number;
  /** Wire keys answered so far (unique over the task's life, so one set serves every round). */
  readonly answeredKeys: Set<string>;
  /** Wire keys ever sent (TKX-05: never reused over the task's life). */
  readonly usedKeys: Set<string>;
  /** Wire key → the handler's own key, for questions asked again under a fresh wire key. */
  readonly keyOf: Map<string, string>;
  /** Where a 2025-11-25 task's progress and logs go (TK1-09); the 2026 form has none (TKX-09). */
  readonly relay: TaskRelay | undefined;
  /** The last progress the task sent, over all its runs (PROG-01). */
  lastProgress: number;
}

/** The two wire forms of tasks (checklist §8.1, §8.2). */
export type TaskWire = '2025' | '2026';

/** The outcome of one handler run. */
export type Outcome = { ok: unknown } | { error: unknown };

/** Tasks of this process over a store. */
export class TaskRuntime {
  readonly #running = new Map<string, Running>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #creates = 0;

  /**
   * @param registry The tools.
   * @param callTool The `tools/call` method implementation.
   * @param settings Store, defaults, error sink.
   */
  constructor(
    private readonly registry: Registry,
    private readonly callTool: MethodHandler,
    private readonly settings: TaskRuntimeSettings,
  ) {}

  /** Task handlers running (or parked in input_required) in this process; expired ones are dropped first. */
  get running(): number {
    this.#prune();
    return this.#running.size;
  }

  /** Stores a new task; a full store is a clear error for the client, not a server failure. */
  async #store(record: Parameters<TaskStore['create']>[0]): Promise<TaskRecord> {
    try {
      return await this.settings.store.create(record);
    } catch (error) {
      if (error instanceof TaskStoreFullError) {
        throw new McpError(ErrorCode.InternalError, `Too many tasks: ${error.message}; retry later`, { limit: error.limit });
      }
      throw error;
    }
  }

  /** Holds a run, with a timer that drops it when its task expires (a parked handler nobody answers). */
  #track(run: Running): void {
    this.#running.set(run.taskId, run);
    const timer = setTimeout(() => this.#prune(), Math.max(0, run.expiresAt - Date.now()) + 5);
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(run.taskId, timer);
  }

  /**
   * Stops a run held here: its current attempt first (so its handler sees `reason`, not the generic one of its
   * signal source), then the run's own signal; the run is dropped.
   */
  #stop(run: Running, reason: string): void {
    run.cancelAttempt?.(reason);
    run.ac.abort(reason);
    this.#untrack(run.taskId);
  }

  /** Wakes the callers waiting in {@link changed} for this task. */
  #wake(taskId: string): void {
    const waiting = this.#waiters.get(taskId);
    if (waiting !== undefined) for (const wake of [...waiting]) wake();
  }

  #untrack(taskId: string): void {
    this.#running.delete(taskId);
    const timer = this.#timers.get(taskId);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(taskId);
  }

  /**
   * Cancels the live tasks of an owner that is gone (a 2025 session without an authenticated subject: nobody can
   * reach its tasks any more).
   * @param owner The owner.
   */
  async cancelOwnedBy(owner: string): Promise<void> {
    if (this.#running.size === 0) return;
    const runs = [...this.#running.values()].filter((r) => r.owner === owner);
    await Promise.all(runs.map((r) => this.cancel(r.taskId, owner).catch(() => {})));
  }

  /** Drops the runs whose task expired (a parked handler nobody answered, a handler past its TTL). */
  #prune(now = Date.now()): void {
    for (const run of this.#running.values()) {
      if (run.expiresAt > now) continue;
      this.#stop(run, 'The task expired');
    }
  }

  /**
   * Creates the task record (stored before the handle goes out, so a `tasks/get` right after finds it).
   * @returns The record and its run, not started yet.
   */
  async create(
    request: JsonRpcRequest,
    envelope: Envelope,
    rctx: RequestContext | undefined,
    owner: string,
    config: ToolTaskConfig,
    wire: TaskWire = '2026',
    requestedTtlMs?: number,
    session?: string,
    relay?: TaskRelay,
  ): Promise<{ record: TaskRecord; run: Running }> {
    // TK1-04: the server may shorten what the client asked for; it never keeps a task longer than configured.
    const ttl = config.ttlMs ?? this.settings.ttlMs;
    const record = await this.#store(
      createTaskRecord({
        owner,
        ttlMs: requestedTtlMs !== undefined && requestedTtlMs > 0 ? Math.min(requestedTtlMs, ttl) : ttl,
        pollIntervalMs: config.pollIntervalMs ?? this.settings.pollIntervalMs,
        meta: session === undefined ? { method: 'tools/call', tool: toolName(request), wire } : { method: 'tools/call', tool: toolName(request), wire, session },
      }),
    );
    if (++this.#creates % 64 === 0) this.#prune();
    const run: Running = { wire, expiresAt: record.expiresAt, taskId: record.taskId, owner, request, envelope, rctx, ac: new AbortController(), answers: {}, state: undefined, cancelAttempt: undefined, usedKeys: new Set(), answeredKeys: new Set(), keyOf: new Map(), relay, lastProgress: -Infinity };
    this.#track(run);
    this.#announce(record);
    return { record, run };
  }

  /**
   * Starts a created task's handler in the background.
   * @param run From {@link create}.
   */
  start(run: Running): void {
    void this.#attempt(run);
  }

  /**
   * Records what a handler run ended with: input needed, a result (an `isError` one included), or a protocol
   * error (`failed`). A cancelled task keeps its status (TK1-07).
   * @param run The task.
   * @param outcome What the run produced.
   */
  async settle(run: Running, outcome: Outcome): Promise<void> {
    const { store } = this.settings;
    run.cancelAttempt = undefined;
    if (run.ac.signal.aborted) return;
    try {
      if ('error' in outcome) {
        this.#announce(await transitionTask(store, run.taskId, run.owner, 'fail', { error: toErrorObject(outcome.error, this.settings.onError) }));
      } else if (isInputRequired(outcome.ok)) {
        const requests: Record<string, unknown> = {};
        for (const [key, req] of Object.entries(outcome.ok.requests)) {
          const missing = missingCapability(req, run.envelope.clientCapabilities);
          if (missing !== undefined) throw missingCapabilityError(req, missing);
          // TKX-05: a question asked again (its answer was unusable) goes out under a new key.
          let wire = key;
          for (let n = 2; run.usedKeys.has(wire); n++) wire = `${key}~${n}`;
          run.usedKeys.add(wire);
          run.keyOf.set(wire, key);
          // 2026 has no elicitationId; the 2025 form asks through a real request that keeps it.
          requests[wire] = run.wire === '2026' ? inputRequestWire(req) : req.params === undefined ? { method: req.method } : { method: req.method, params: req.params };
        }
        run.state = outcome.ok.state;
        if (Object.keys(requests).length === 0) {
          // Only state to carry: nothing to ask, so run again at once.
          this.start(run);
          return;
        }
        this.#announce(await transitionTask(store, run.taskId, run.owner, 'needInput', { inputRequests: requests }));
        return;
      } else {
        // A tool error is `completed` in 2026 (TKX-07) but `failed` in the 2025 form (TK1-09); the result is kept.
        const isError = (outcome.ok as { isError?: unknown } | undefined)?.isError === true;
        this.#announce(await transitionTask(store, run.taskId, run.owner, isError && run.wire === '2025' ? 'fail' : 'complete', { result: outcome.ok }));
      }
      this.#untrack(run.taskId);
    } catch (error) {
      if (isMcpError(error) && error.code === ErrorCode.MissingRequiredClientCapability) {
        // -32021 exists only in 2026; a 2025-11-25 session hears -32600, as for a plain call (S2C-01).
        const e = run.wire === '2025' ? { code: ErrorCode.InvalidRequest, message: error.message } : toErrorObject(error, this.settings.onError);
        await transitionTask(store, run.taskId, run.owner, 'fail', { error: e }).then((r) => this.#announce(r), this.settings.onError);
        this.#untrack(run.taskId);
        return;
      }
      // The task was cancelled or expired meanwhile: its outcome stands.
      if (!isMcpError(error) || error.code !== ErrorCode.InvalidParams) this.settings.onError(error);
      this.#untrack(run.taskId);
    }
  }

  /**
   * The task as its owner sees it (TK1-10: another principal gets "not found").
   * @throws McpError -32602 for an unknown, expired or foreign task.
   */
  async get(taskId: string, owner: string): Promise<TaskRecord> {
    const record = await this.settings.store.get(taskId, owner);
    if (record === undefined) throw taskNotFound(taskId);
    return record;
  }

  /**
   * One page of the owner's tasks (2025-11-25 `tasks/list`, TK1-05).
   * @throws McpError -32602 for a cursor the store did not issue.
   */
  async list(owner: string, cursor: string | undefined, limit: number): Promise<{ tasks: TaskRecord[]; nextCursor?: string }> {
    return this.settings.store.list(owner, cursor, limit);
  }

  /**
   * `tasks/update`: answers to the task's open input requests (TKX-04). Answered keys leave `inputRequests` at
   * once; when none is left the task works again and its handler runs with every answer. Keys the task did not
   * ask are ignored (MRTR-06).
   */
  async update(taskId: string, owner: string, responses: Record<string, unknown>): Promise<void> {
    const { store } = this.settings;
    const record = await this.get(taskId, owner);
    if (record.status !== 'input_required') return;
    const open = record.inputRequests ?? {};
    const answered = Object.keys(responses).filter((k) => Object.hasOwn(open, k));
    if (answered.length === 0) return;
    const run = this.#running.get(taskId);
    if (run === undefined) {
      // The handler lived in another process or before a restart: it cannot go on.
      this.#announce(
        await transitionTask(store, taskId, owner, 'fail', {
          error: { code: ErrorCode.InternalError, message: 'The task cannot resume: its execution is no longer running' },
        }),
      );
      return;
    }
    for (const k of answered) {
      run.answers[run.keyOf.get(k) ?? k] = responses[k];
      run.answeredKeys.add(k);
    }
    // Compare-and-set against the stored record: of concurrent partial updates, the one that sees every key
    // answered resumes the task, exactly once (TKX-04, TKX-05).
    for (let attempt = 0; attempt < 16; attempt++) {
      const current = await this.get(taskId, owner);
      if (current.status !== 'input_required') return;
      const rest: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(current.inputRequests ?? {})) if (!run.answeredKeys.has(k)) rest[k] = v;
      if (Object.keys(rest).length > 0) {
        if ((await store.update(taskId, owner, current.version, { inputRequests: rest })) !== undefined) return;
        continue;
      }
      const resumed = await store.update(taskId, owner, current.version, { status: 'working', inputRequests: undefined });
      if (resumed === undefined) continue;
      this.#announce(resumed);
      this.start(run);
      return;
    }
    throw new McpError(ErrorCode.InternalError, 'The task is being updated by too many requests at once; retry');
  }



  /**
   * `tasks/cancel` (TKX-06): a live task becomes `cancelled` and its handler's signal aborts; a finished one is
   * left as it is. Either way the caller acknowledges.
   */
  async cancel(taskId: string, owner: string): Promise<void> {
    const record = await this.get(taskId, owner);
    if (isTerminal(record.status)) return;
    try {
      this.#announce(await transitionTask(this.settings.store, taskId, owner, 'cancel', { statusMessage: 'Cancelled by the client' }));
    } catch (error) {
      // It finished in the meantime: nothing to cancel.
      if (!isMcpError(error) || error.code !== ErrorCode.InvalidParams) throw error;
    }
    const run = this.#running.get(taskId);
    if (run !== undefined) this.#stop(run, 'The task was cancelled');
  }

  /**
   * The status message a handler reports (`ctx.reportStatus`).
   */
  status(run: Running, message: string): void {
    void patchTask(this.settings.store, run.taskId, run.owner, { statusMessage: message }).catch(() => {});
  }

  /**
   * A status change announced on the bus, by this process or by another one sharing the bus and the store: wakes
   * the waiters of the task here, and when the task was cancelled elsewhere while its handler runs here, aborts
   * that handler (TKX-06, TK1-07), as a cancel in this process does.
   * @param taskId The task.
   * @param status Its new status.
   */
  statusChanged(taskId: string, status: unknown): void {
    this.#wake(taskId);
    if (status !== 'cancelled') return;
    const run = this.#running.get(taskId);
    if (run !== undefined) this.#stop(run, 'The task was cancelled');
  }

  /** Aborts every running handler (server shutdown); their tasks stay as they are in the store. */
  close(): void {
    for (const run of [...this.#running.values()]) this.#stop(run, 'The server is shutting down');
  }

  /**
   * Hands a request's own context over to a task (`task.start: 'explicit'`): from now on its signal follows the
   * task, and what it asks for parks the task.
   */
  adopt(run: Running, ctx: StatelessContext): void {
    run.answers = { ...ctx.inputResponses };
    // Keys answered in the request's MRTR rounds were used already (TKX-05).
    for (const k of Object.keys(run.answers)) run.usedKeys.add(k);
    run.state = ctx.requestState;
    run.cancelAttempt = (reason) => ctx.cancel(reason);
    // From now on the run's signal follows the task, not the finished request's connection.
    ctx.follow(() => run.ac.signal);
    ctx.task = { taskId: run.taskId, start: () => Promise.resolve(), status: (m) => this.status(run, m) };
  }

  /** Publishes a status change (TKX-09); a failing publisher is reported, never thrown into the state machine. */
  /**
   * Resolves at the task's next status change in this process, or after `maxWaitMs` (a change made by another
   * process is seen on the caller's next read).
   * @param taskId The task.
   * @param signal Stops waiting early.
   * @param maxWaitMs Longest wait.
   */
  changed(taskId: string, signal: AbortSignal | undefined, maxWaitMs = 1000): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(taskId);
      if (set === undefined) this.#waiters.set(taskId, (set = new Set()));
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(taskId) === waiters) this.#waiters.delete(taskId);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  #announce(record: TaskRecord): void {
    this.#wake(record.taskId);
    const publish = this.settings.publish;
    if (publish === undefined) return;
    try {
      const session = record.meta?.session;
      publish(
        typeof session === 'string'
          ? { type: 'tasks/status', taskId: record.taskId, owner: record.owner, task: taskState(record), session }
          : { type: 'tasks/status', taskId: record.taskId, owner: record.owner, task: taskState(record) },
      );
    } catch (error) {
      this.settings.onError(error);
    }
  }

  async #attempt(run: Running): Promise<void> {
    // No stream of its own: a 2025-11-25 task's logs and progress go to its relay (the creating session), a 2026
    // task's nowhere (TKX-09); its status message is what the client polls.
    const exchange = new StatelessExchange(this.settings.stream, false, true, () => {});
    const relay = run.relay;
    const ctx =
      relay === undefined
        ? new StatelessContext(run.request, run.envelope, exchange, run.rctx, () => run.ac.signal)
        : new RelayedTaskContext(run.request, run.envelope, exchange, run.rctx, () => run.ac.signal, run as Running & { relay: TaskRelay });
    ctx.setInput({ ...run.answers }, run.state);
    ctx.task = { taskId: run.taskId, start: () => Promise.resolve(), status: (m) => this.status(run, m) };
    run.cancelAttempt = (reason) => ctx.cancel(reason);
    const call: Call = { ctx, version: run.envelope.protocolVersion, session: undefined };
    let outcome: Outcome;
    const observe = this.settings.observe;
    try {
      outcome = {
        ok: await (observe === undefined
          ? this.callTool(this.registry, run.request.params, call)
          : observe(run.request.method, run.request.id, run.request.params, run.envelope.protocolVersion, undefined, run.taskId, run.rctx?.authInfo, () => this.callTool(this.registry, run.request.params, call), () => ctx.cancelled)),
      };
    } catch (error) {
      outcome = { error };
    }
    if (ctx instanceof RelayedTaskContext) ctx.end();
    // Answers of earlier rounds stay with the task (a retry brings only the new ones).
    run.answers = { ...ctx.inputResponses };
    await this.settle(run, outcome);
  }
}

