/**
 * @module Instrumentation around handler runs (the `observe` option): what runs, how it ended, and a way to run the
 * handler inside the observer's context (a tracing span, a logging scope). The same for both eras and for task runs.
 */
import { isMcpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import type { JsonRpcId } from '../jsonrpc/messages';
import { isPlainObject } from '../plain-object';
import type { AuthInfo } from '../types';
import { isInputRequired } from './mrtr';
import { isThenable } from '../thenable';

/** What `observe` is told about a request whose handler is about to run. */
export interface ObservedRequest {
  /** The JSON-RPC method, e.g. `'tools/call'`. */
  readonly method: string;
  /** The tool or prompt name (`tools/call`, `prompts/get`) or the resource URI (`resources/*`); undefined otherwise. */
  readonly name: string | undefined;
  /** The JSON-RPC id of the request. */
  readonly id: JsonRpcId;
  /** The protocol revision: the session's, or the request's own on the 2026-07-28 path. */
  readonly protocolVersion: string;
  /** The 2025 session; undefined on the 2026-07-28 path and in the runs of a task. */
  readonly sessionId: string | undefined;
  /** The task, when this is a run of a task's handler (after the request that created it was answered). */
  readonly taskId: string | undefined;
  /** The caller, from the adapter's `RequestContext`. */
  readonly authInfo: AuthInfo | undefined;
  /**
   * `params._meta` as the client sent it, where W3C trace context (`traceparent`, `tracestate`) and the progress
   * token travel. Read it; do not change it.
   */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

/** How a handler run ended. At most one of `error`, `isError`, `inputRequired` is set. */
export interface ObservedOutcome {
  /** The JSON-RPC error the request is answered with (`-32603` "Internal error" for anything but an `McpError`). */
  readonly error?: { readonly code: number; readonly message: string };
  /** What the handler threw or rejected with, when it did (the `error` above comes from it). */
  readonly exception?: unknown;
  /** A `tools/call` result with `isError: true`: the tool failed, and the model reads why. */
  readonly isError?: boolean;
  /** The handler asked the client for input: an `input_required` answer (2026-07-28) or a task parked for input. */
  readonly inputRequired?: boolean;
  /** The request was cancelled or its client went away: no answer goes out. */
  readonly cancelled?: boolean;
}

/** What `observe` returns for one request. Both parts are optional. */
export interface RequestObserver {
  /**
   * Runs the handler, for example inside a tracing context: `(fn) => context.with(ctx, fn)`. Call `fn` once,
   * synchronously, and return what it returns. (If it is not called, the handler runs anyway, outside.)
   */
  run?<T>(fn: () => T): T;
  /** Called once, when the handler's run ended. */
  end?(outcome: ObservedOutcome): void;
}

/** The `observe` option: called before each handler run; what it returns follows that run. */
export type Observe = (request: ObservedRequest) => RequestObserver | void | undefined;


/** Methods whose `name` is a params field, and which one. */
const NAME_FIELD: Readonly<Record<string, 'name' | 'uri'>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'resources/subscribe': 'uri',
  'resources/unsubscribe': 'uri',
};

/**
 * What describes a handler run: the method, the JSON-RPC id, the params, the revision it is served under, the 2025
 * session (if any), the task (for a task's run) and the caller.
 */
export type RunFields = [
  method: string,
  id: JsonRpcId,
  params: Record<string, unknown> | undefined,
  protocolVersion: string,
  sessionId: string | undefined,
  taskId: string | undefined,
  authInfo: AuthInfo | undefined,
];

/**
 * The {@link ObservedRequest} of a request.
 * @param fields What runs (see {@link RunFields}).
 * @returns The frozen description.
 */
export function observedRequest(...[method, id, params, protocolVersion, sessionId, taskId, authInfo]: RunFields): ObservedRequest {
  const field = NAME_FIELD[method];
  const name = field === undefined ? undefined : params?.[field];
  const meta = params?._meta;
  return Object.freeze({
    method,
    name: typeof name === 'string' ? name : undefined,
    id,
    protocolVersion,
    sessionId,
    taskId,
    authInfo,
    meta: isPlainObject(meta) ? meta : undefined,
  });
}

/** The outcome of a value a handler produced. */
function resolved(value: unknown, cancelled: boolean): ObservedOutcome {
  if (cancelled) return { cancelled: true };
  if (isInputRequired(value)) return { inputRequired: true };
  if (isPlainObject(value) && value.isError === true) return { isError: true };
  return {};
}

/** The outcome of what a handler threw. */
function failed(exception: unknown, cancelled: boolean): ObservedOutcome {
  const error = isMcpError(exception) ? { code: exception.code, message: exception.message } : { code: ErrorCode.InternalError, message: 'Internal error' };
  return cancelled ? { cancelled: true, error, exception } : { error, exception };
}

/**
 * How a transport runs a handler under the `observe` option (one function, so that transports import nothing of
 * this module and lean builds without `withObserve` leave it out).
 */
export type ObservedRun = (...args: [...RunFields, invoke: () => unknown, cancelled: () => boolean]) => unknown;

/**
 * Binds the `observe` option into the function the transports call around each handler run (`withObserve`).
 * @param observe The option.
 * @param onError Receives the observer's failures.
 * @returns The runner.
 */
export function bindObserve(observe: Observe, onError: (error: unknown) => void): ObservedRun {
  return (...[method, id, params, version, sessionId, taskId, authInfo, invoke, cancelled]) =>
    runObserved(observe, observedRequest(method, id, params, version, sessionId, taskId, authInfo), invoke, cancelled, onError);
}

/**
 * Runs a handler under an observer: `observe` first, the handler through the observer's `run`, and `end` once it
 * settled. The handler's value or error comes back unchanged; what the observer throws goes to `onError` and never
 * changes the request.
 * @param observe The `observe` option.
 * @param request What runs.
 * @param invoke Runs the handler once (may return a promise, may throw).
 * @param cancelled Whether the request was cancelled, asked when it ended.
 * @param onError Receives the observer's failures.
 * @returns What `invoke` returned (a promise when it returned one).
 */
export function runObserved(
  observe: Observe,
  request: ObservedRequest,
  invoke: () => unknown,
  cancelled: () => boolean,
  onError: (error: unknown) => void,
): unknown {
  let observer: RequestObserver | void | undefined;
  try {
    observer = observe(request);
  } catch (error) {
    onError(error);
  }
  if (observer === undefined || observer === null) return invoke();
  let called = false;
  let out: unknown;
  let threw = false;
  let thrown: unknown;
  const fn = (): unknown => {
    if (called) return out;
    called = true;
    try {
      out = invoke();
    } catch (error) {
      threw = true;
      thrown = error;
    }
    return out;
  };
  if (typeof observer.run === 'function') {
    try {
      observer.run(fn);
    } catch (error) {
      onError(error);
    }
  }
  if (!called) fn();
  const o = observer;
  const end = (outcome: ObservedOutcome): void => {
    if (typeof o.end !== 'function') return;
    try {
      o.end(outcome);
    } catch (error) {
      onError(error);
    }
  };
  if (threw) {
    end(failed(thrown, cancelled()));
    throw thrown;
  }
  if (!isThenable(out)) {
    end(resolved(out, cancelled()));
    return out;
  }
  return Promise.resolve(out).then(
    (value) => {
      end(resolved(value, cancelled()));
      return value;
    },
    (error: unknown) => {
      end(failed(error, cancelled()));
      throw error;
    },
  );
}
