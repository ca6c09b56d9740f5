/**
 * What both handler contexts share (a session's `CallContext` and the stateless `StatelessContext`): the request
 * and the adapter's context, cancellation, the answers and state an MRTR round brought, and progress (PROG-01).
 */
import type { JsonRpcId, JsonRpcRequest } from '../jsonrpc/messages';
import { progressText } from '../server/related';
import type { InputResponses } from '../server/mrtr';
import type { AuthInfo, RequestContext } from '../types';

/** The base of the handler contexts; `E` is the request's answer channel. */
export abstract class ContextBase<E extends { readonly open: boolean }> {
  /** Made on first use: a handler that never looks at its signal costs no AbortController. */
  protected ac: AbortController | undefined;
  #answers: InputResponses | undefined;
  #state: unknown;
  /**
   * The last progress sent for the request (PROG-01: each must be greater). A task's contexts start from the one
   * its earlier runs reached, so progress keeps increasing over the whole task (TK1-09).
   */
  protected lastProgress = -Infinity;

  /**
   * @param request The request.
   * @param exchange Its answer channel.
   * @param rctx The adapter's context.
   */
  constructor(
    protected readonly request: JsonRpcRequest,
    readonly exchange: E,
    protected readonly rctx: RequestContext | undefined,
  ) {}

  /** Sends a related message (a log line, a progress notification) on the request's channel. */
  protected abstract related(text: string): void;

  /** Whether the request was cancelled. */
  get cancelled(): boolean {
    return this.ac?.signal.aborted === true;
  }
  /** Aborts the handler's signal (a string reason: object reasons are known to leak in Node). */
  cancel(reason: string): void {
    (this.ac ??= new AbortController()).abort(reason);
  }
  get requestId(): JsonRpcId {
    return this.request.id;
  }
  get authInfo(): AuthInfo | undefined {
    return this.rctx?.authInfo;
  }
  get remoteAddress(): string | undefined {
    return this.rctx?.remoteAddress;
  }
  get meta(): Readonly<Record<string, unknown>> | undefined {
    return this.request.params?._meta as Record<string, unknown> | undefined;
  }
  get inputResponses(): InputResponses | undefined {
    return this.#answers;
  }
  get requestState(): unknown {
    return this.#state;
  }
  /** InputHost: the answers and state of an MRTR round (a retry, or an emulated round on a session). */
  setInput(answers: InputResponses, state: unknown): void {
    this.#answers = answers;
    this.#state = state;
  }

  /** PROG-01: only while the request is active (after its response the token is dead), strictly increasing. */
  progress(progress: number, total?: number, message?: string): void {
    if (this.cancelled || !this.exchange.open) return;
    const text = progressText(this.meta?.progressToken, this.lastProgress, progress, total, message);
    if (text === undefined) return;
    this.lastProgress = progress;
    this.related(text);
  }
}
