/**
 * The handler context of one stateless (2026-07-28) request: everything comes from the request itself (M-03).
 * Logs only when the request set a level (LOG-02), progress on the request's own stream (PROG-02), and questions
 * for the client as MRTR input requests, never as server-to-client requests (M-07, S2C-04).
 */
import type { Envelope } from '../protocol/envelope';
import { LEVELS } from '../protocol/params';
import type { JsonRpcRequest } from '../jsonrpc/messages';
import { createLogger } from '../server/related';
import { InputPending, missingCapability, missingCapabilityError, validAnswer } from '../server/mrtr';
import type { InputHost, InputRequest } from '../server/mrtr';
import type {
  ClientRequestOptions,
  CreateMessageParams,
  CreateMessageResult,
  ElicitParams,
  ElicitResult,
  HandlerContext,
  Logger,
  Root,
} from '../server/types';
import type { RequestContext } from '../types';
import { ContextBase } from './context-base';
import type { StatelessExchange } from './stateless-exchange';

/** What a run that is (or may become) a task does for the task methods of its context. */
export interface TaskHooks {
  readonly taskId: string | undefined;
  start(): Promise<void>;
  status(message: string): void;
}

const SHORT: Readonly<Record<InputRequest['method'], string>> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

/** One stateless request's context. */
export class StatelessContext extends ContextBase<StatelessExchange> implements HandlerContext, InputHost {
  /** InputHost: questions become an input-required result. */
  readonly stateless = true;
  #onDisconnect: (() => void) | undefined;
  #disconnectSignal: AbortSignal | undefined;
  #log: Logger | undefined;
  #asks: Record<string, InputRequest> | undefined;
  #counters: Record<string, number> = {};

  /**
   * @param request The request.
   * @param envelope Its validated `_meta` envelope.
   * @param exchange Its answer channel.
   * @param rctx The adapter's context.
   * @param disconnect Fires when the client goes away (MH-05); watched only once the handler looks at its signal.
   */
  constructor(
    request: JsonRpcRequest,
    private readonly envelope: Envelope,
    exchange: StatelessExchange,
    rctx: RequestContext | undefined,
    private disconnect: () => AbortSignal | undefined,
  ) {
    super(request, exchange, rctx);
  }

  protected related(text: string): void {
    this.exchange.related(text);
  }

  /**
   * Switches what cancels this run (a run that became a task follows the task from then on).
   * @param source The new cancellation source.
   */
  follow(source: () => AbortSignal | undefined): void {
    this.dispose();
    this.disconnect = source;
    if (this.ac === undefined) return;
    const d = (this.#disconnectSignal = source());
    if (d === undefined) return;
    if (d.aborted) this.cancel(String(d.reason ?? 'Cancelled'));
    else {
      this.#onDisconnect = () => this.cancel(String(d.reason ?? 'Cancelled'));
      d.addEventListener('abort', this.#onDisconnect, { once: true });
    }
  }

  /**
   * Created on first use: a handler that never looks at its signal costs no AbortController and no disconnect
   * listener (there is nothing to stop in it; what it sends after a disconnect goes nowhere).
   */
  get signal(): AbortSignal {
    if (this.ac !== undefined) return this.ac.signal;
    const ac = (this.ac = new AbortController());
    const d = (this.#disconnectSignal = this.disconnect());
    if (d !== undefined) {
      if (d.aborted) ac.abort('The client disconnected');
      else {
        this.#onDisconnect = () => this.cancel('The client disconnected');
        d.addEventListener('abort', this.#onDisconnect, { once: true });
      }
    }
    return ac.signal;
  }
  /** The request is answered: stop watching the connection. */
  dispose(): void {
    if (this.#onDisconnect !== undefined) this.#disconnectSignal?.removeEventListener('abort', this.#onDisconnect);
    this.#onDisconnect = undefined;
  }
  get sessionId(): undefined {
    return undefined;
  }
  get protocolVersion(): string {
    return this.envelope.protocolVersion;
  }
  get clientCapabilities(): Readonly<Record<string, unknown>> {
    return this.envelope.clientCapabilities;
  }
  get clientInfo(): Readonly<{ name: string; version: string }> | undefined {
    return this.envelope.clientInfo;
  }

  get log(): Logger {
    if (this.#log !== undefined) return this.#log;
    const threshold = this.envelope.logLevel === undefined ? -1 : LEVELS.indexOf(this.envelope.logLevel);
    return (this.#log = createLogger((level, text) => {
      // LOG-02: nothing unless the request asked for a level, and only at or above it.
      if (threshold < 0 || LEVELS.indexOf(level) < threshold || this.cancelled || !this.exchange.open) return;
      this.related(text());
    }));
  }

  elicit(params: ElicitParams, options?: ClientRequestOptions): Promise<ElicitResult> {
    return this.#input({ method: 'elicitation/create', params }, options) as Promise<ElicitResult>;
  }

  sample(params: CreateMessageParams, options?: ClientRequestOptions): Promise<CreateMessageResult> {
    return this.#input({ method: 'sampling/createMessage', params }, options) as Promise<CreateMessageResult>;
  }

  listRoots(options?: ClientRequestOptions): Promise<{ roots: Root[] }> {
    return this.#input({ method: 'roots/list' }, options) as Promise<{ roots: Root[] }>;
  }

  /** Stateless streams are not resumable: there is nothing to close early. */
  closeStream(): void {}

  /** Set by the transport when this run belongs to a task, or may become one. */
  task: TaskHooks | undefined;

  get taskId(): string | undefined {
    return this.task?.taskId;
  }
  startTask(): Promise<void> {
    return this.task?.start() ?? Promise.resolve();
  }
  reportStatus(message: string): void {
    this.task?.status(message);
  }

  /** InputHost: the questions still unanswered, once. */
  takeAsks(): Record<string, InputRequest> | undefined {
    const asks = this.#asks;
    this.#asks = undefined;
    return asks;
  }

  /** InputHost: a stateless request never asks directly. */
  ask(): Promise<unknown> {
    return Promise.reject(new InputPending());
  }

  /** The answer from the retry, or the question recorded and the run stopped (MRTR-04, MRTR-06). */
  #input(request: InputRequest, options: ClientRequestOptions | undefined): Promise<unknown> {
    const short = SHORT[request.method];
    const key = options?.key ?? `${short}-${(this.#counters[short] = (this.#counters[short] ?? 0) + 1)}`;
    const answer = this.inputResponses?.[key];
    if (answer !== undefined && validAnswer(request.method, answer)) return Promise.resolve(answer);
    // MRTR-03, M-04: never ask what the client did not declare.
    const missing = missingCapability(request, this.envelope.clientCapabilities);
    if (missing !== undefined) return Promise.reject(missingCapabilityError(request, missing));
    (this.#asks ??= {})[key] = request;
    return Promise.reject(new InputPending());
  }
}
