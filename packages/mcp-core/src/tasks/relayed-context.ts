/**
 * The handler context of one run of a 2025-11-25 task: the task has no response stream of its own, so its progress
 * and log notifications go to a {@link TaskRelay} (the session that created it), for as long as the run lasts
 * (TK1-09: the `progressToken` of the `tools/call` stays valid until the task ends; PROG-01: progress keeps
 * increasing over every run of the task).
 */
import type { JsonRpcRequest } from '../jsonrpc/messages';
import type { Envelope } from '../protocol/envelope';
import { StatelessContext } from '../http/stateless-context';
import type { StatelessExchange } from '../http/stateless-exchange';
import { createLogger } from '../server/related';
import type { Logger, LoggingLevel } from '../server/types';
import type { RequestContext } from '../types';

/** Where the notifications of a 2025-11-25 task go: the session that created it, in this process. */
export interface TaskRelay {
  /**
   * Sends a notification about the task.
   * @param text The serialised notification, without the task's related-task `_meta` (the relay adds it, TK1-08).
   * @param taskId The task.
   */
  send(text: string, taskId: string): void;
  /** Whether a log message at `level` passes the session's `logging/setLevel` threshold (LOG-01). */
  logs(level: LoggingLevel): boolean;
}

/** What a relayed run shares with the task across its runs. */
export interface RelayedRun {
  readonly taskId: string;
  readonly relay: TaskRelay;
  /** The last progress any run of the task sent. */
  lastProgress: number;
}

/** A task run's context whose notifications go to the task's relay until the run returns. */
export class RelayedTaskContext extends StatelessContext {
  #live = true;
  #relayLog: Logger | undefined;

  /**
   * @param request The `tools/call` that created the task.
   * @param envelope The session's negotiated state.
   * @param exchange The run's (streamless) answer channel.
   * @param rctx The adapter's context of the creating request.
   * @param signal The task's cancellation.
   * @param run The task's relay and progress so far.
   */
  constructor(
    request: JsonRpcRequest,
    envelope: Envelope,
    exchange: StatelessExchange,
    rctx: RequestContext | undefined,
    signal: () => AbortSignal | undefined,
    private readonly run: RelayedRun,
  ) {
    super(request, envelope, exchange, rctx, signal);
    this.lastProgress = run.lastProgress;
  }

  /** The run returned: what its context is asked to send from now on goes nowhere. */
  end(): void {
    this.#live = false;
  }

  protected override related(text: string): void {
    if (!this.#live) return;
    this.run.lastProgress = this.lastProgress;
    this.run.relay.send(text, this.run.taskId);
  }

  /** LOG-01: at or above the session's level, as for any request of the session. */
  override get log(): Logger {
    return (this.#relayLog ??= createLogger((level, text) => {
      if (this.cancelled || !this.#live || !this.run.relay.logs(level)) return;
      this.related(text());
    }));
  }
}
