/**
 * Multi round-trip requests (MRTR, checklist §6.4): a handler that needs the client's input returns an
 * input-required result; the client answers and retries. One handler API serves both eras: on a 2025 session the
 * server asks the questions as server-to-client requests and re-runs the handler with the answers itself.
 */
import { isPlainObject } from '../plain-object';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import type { CreateMessageParams, CreateMessageResult, ElicitParams, ElicitResult, Root } from './types';
import type { MaybePromise } from '../types';
import { isThenable } from '../thenable';


/** One question for the client (MRTR-02). */
export type InputRequest =
  | { readonly method: 'elicitation/create'; readonly params: ElicitParams }
  | { readonly method: 'sampling/createMessage'; readonly params: CreateMessageParams }
  | { readonly method: 'roots/list'; readonly params?: Record<string, unknown> };

/** The client's answers, by key: an {@link ElicitResult}, a {@link CreateMessageResult} or `{ roots }`. */
export type InputResponses = Readonly<Record<string, unknown>>;

const BRAND = Symbol.for('x-mcp.inputRequired');

/** What a handler returns when it needs input before it can finish (MRTR-01). Build it with {@link inputRequired}. */
export interface InputRequired {
  readonly [BRAND]: true;
  /** Questions for the client, by key (unique within the request). */
  readonly requests: Readonly<Record<string, InputRequest>>;
  /** Handler state to get back on the retry as `ctx.requestState` (sealed: the client cannot read-modify it unnoticed). */
  readonly state: unknown;
}

/**
 * Builds an input-required answer: the client is asked `requests` and retries; the retry's handler context carries
 * the answers in `ctx.inputResponses` and `state` in `ctx.requestState`.
 * @param options The questions and the state to carry. At least one is needed (MRTR-02).
 * @returns The value to return from a tool, prompt or resource handler.
 * @example
 * ```ts
 * mcp.tool('book', {}, (_args, ctx) => {
 *   const answer = ctx.inputResponses?.confirm as ElicitResult | undefined;
 *   if (answer?.action !== 'accept') {
 *     return inputRequired({ requests: { confirm: { method: 'elicitation/create', params: { message: 'Book it?', requestedSchema: { type: 'object', properties: {} } } } } });
 *   }
 *   return { content: [{ type: 'text', text: 'Booked' }] };
 * });
 * ```
 */
export function inputRequired(options: { requests?: Record<string, InputRequest>; state?: unknown }): InputRequired {
  const requests = options.requests ?? {};
  if (Object.keys(requests).length === 0 && options.state === undefined) {
    throw new TypeError('inputRequired() needs requests, state, or both (MRTR-02)');
  }
  return { [BRAND]: true, requests, state: options.state };
}

/**
 * Whether a handler's return value is an input-required answer.
 * @param value A handler result.
 * @returns True for a value built by {@link inputRequired}.
 */
export function isInputRequired(value: unknown): value is InputRequired {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * Thrown inside a stateless handler by `ctx.elicit()`, `ctx.sample()` or `ctx.listRoots()` when the answer is not
 * in the request yet: the server turns the questions asked so far into an input-required result. Handlers that
 * catch errors should let it through (rethrow what `isInputPending` recognises).
 */
export class InputPending extends Error {
  constructor() {
    super('Waiting for the client to answer an input request');
    this.name = 'InputPending';
  }
}

/**
 * Whether an error is the internal "answer not here yet" signal.
 * @param error A caught error.
 * @returns True for {@link InputPending}.
 */
export function isInputPending(error: unknown): error is InputPending {
  return error instanceof InputPending;
}


/**
 * Whether a client answer has the shape its question needs (MRTR-06: a malformed answer is asked again).
 * @param method The question's method.
 * @param value The answer.
 * @returns True when usable.
 */
export function validAnswer(method: InputRequest['method'], value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  switch (method) {
    case 'elicitation/create':
      return (
        (value.action === 'accept' || value.action === 'decline' || value.action === 'cancel') &&
        (value.content === undefined || isPlainObject(value.content))
      );
    case 'sampling/createMessage':
      return (
        (value.role === 'user' || value.role === 'assistant') &&
        typeof value.model === 'string' &&
        (isPlainObject(value.content) || Array.isArray(value.content))
      );
    case 'roots/list':
      return Array.isArray(value.roots) && value.roots.every((r) => isPlainObject(r) && typeof r.uri === 'string');
  }
}

/**
 * The client capability an input request needs, or undefined when the client declared it (MRTR-03, S2C-01).
 * @param request The question.
 * @param caps The client's declared capabilities.
 * @returns The `requiredCapabilities` object for -32021, or undefined.
 */
export function missingCapability(request: InputRequest, caps: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  if (request.method === 'elicitation/create') {
    const cap = caps.elicitation;
    const mode = request.params.mode ?? 'form';
    // `elicitation: {}` means form only.
    const ok = isPlainObject(cap) && (mode === 'form' ? cap.form !== undefined || cap.url === undefined : cap.url !== undefined);
    return ok ? undefined : { elicitation: { [mode]: {} } };
  }
  if (request.method === 'sampling/createMessage') {
    const cap = caps.sampling;
    if (!isPlainObject(cap)) return { sampling: request.params.tools === undefined ? {} : { tools: {} } };
    if (request.params.tools !== undefined && cap.tools === undefined) return { sampling: { tools: {} } };
    return undefined;
  }
  return isPlainObject(caps.roots) ? undefined : { roots: {} };
}

/**
 * An input request as a 2026-07-28 `inputRequests` entry: `params` only when there are any, and no
 * `elicitationId` (the revision removed it, M-09).
 * @param request The question.
 * @returns Its wire form.
 */
export function inputRequestWire(request: InputRequest): Record<string, unknown> {
  if (request.params === undefined) return { method: request.method };
  if (request.method === 'elicitation/create' && 'elicitationId' in request.params) {
    const { elicitationId: _id, ...params } = request.params;
    return { method: request.method, params };
  }
  return { method: request.method, params: request.params };
}

/**
 * The -32021 error for an input request the client cannot answer (M-04).
 * @param request The question.
 * @param required What it needs.
 * @returns The error.
 */
export function missingCapabilityError(request: InputRequest, required: Record<string, unknown>): McpError {
  const what = Object.keys(required)[0];
  return new McpError(
    ErrorCode.MissingRequiredClientCapability,
    `This request needs the client capability "${what}" (for ${request.method}), which the request did not declare`,
    { requiredCapabilities: required },
  );
}

/** Typed answers, for the context methods. */
export type AnswerOf<M extends InputRequest['method']> = M extends 'elicitation/create'
  ? ElicitResult
  : M extends 'sampling/createMessage'
    ? CreateMessageResult
    : { roots: Root[] };

/** What the call path needs from a handler context to serve MRTR in either era. */
export interface InputHost {
  /** True on the stateless path: questions become an input-required result; false: server-to-client requests. */
  readonly stateless: boolean;
  /** Questions the handler asked whose answers were missing in this run (stateless), then forgets them. */
  takeAsks(): Record<string, InputRequest> | undefined;
  /** Sets the answers and state the next run of the handler sees (2025 emulation). */
  setInput(answers: InputResponses, state: unknown): void;
  /** The state the handler carried, for a round that adds questions through ctx calls only. */
  readonly requestState: unknown;
  /** The answers gathered so far. */
  readonly inputResponses: InputResponses | undefined;
  /** Asks one question as a server-to-client request (2025 sessions). */
  ask(request: InputRequest): Promise<unknown>;
}

/** Rounds a 2025 session emulates before it gives up on a handler that keeps asking. */
const MAX_EMULATED_ROUNDS = 16;

/**
 * Runs a handler under MRTR rules. Stateless: questions asked through the context (and any {@link inputRequired}
 * the handler returned) become one input-required answer. 2025 session: each question becomes a server-to-client
 * request, and the handler runs again with the answers, so one handler serves both eras.
 * @param host The handler's context.
 * @param invoke Runs the handler once.
 * @returns The handler's final result, or (stateless only) the input-required answer.
 */
export function withInput<T>(host: InputHost, invoke: () => T | InputRequired | PromiseLike<T | InputRequired>): MaybePromise<T | InputRequired> {
  if (host.stateless) {
    // A handler that answers synchronously is answered without a promise (the usual tool call).
    let result: T | InputRequired | PromiseLike<T | InputRequired>;
    try {
      result = invoke();
    } catch (error) {
      if (!isInputPending(error)) throw error;
      return statelessOutcome<T>(host, undefined);
    }
    if (!isThenable(result)) return statelessOutcome<T>(host, result);
    return Promise.resolve(result).then(
      (value) => statelessOutcome<T>(host, value),
      (error: unknown) => {
        if (!isInputPending(error)) throw error;
        return statelessOutcome<T>(host, undefined);
      },
    );
  }
  return emulateRounds(host, invoke);
}

/** The stateless end of a handler run: its result, or the questions it asked as one input-required answer. */
function statelessOutcome<T>(host: InputHost, result: T | InputRequired | undefined): T | InputRequired {
  const asks = host.takeAsks();
  if (asks === undefined) {
    if (result === undefined) throw new McpError(ErrorCode.InternalError, 'The handler stopped on an input request it did not make');
    return result;
  }
  // Answers are still missing: whatever the handler did after catching the signal, the client is asked (MRTR-06).
  return isInputRequired(result)
    ? { [BRAND]: true, requests: { ...asks, ...result.requests }, state: result.state }
    : { [BRAND]: true, requests: asks, state: host.requestState };
}

/**
 * A 2025 session: each question becomes a server-to-client request, and the handler runs again with the answers.
 * A first run that answers at once with a result is returned as it is, without a promise.
 */
function emulateRounds<T>(host: InputHost, invoke: () => T | InputRequired | PromiseLike<T | InputRequired>): MaybePromise<T | InputRequired> {
  const first = invoke();
  if (!isThenable(first) && !isInputRequired(first)) return first;
  return askAndRerun(host, invoke, first);
}

/** The rounds after the first: ask what the last run needs, run again with every answer so far (MRTR-04). */
async function askAndRerun<T>(
  host: InputHost,
  invoke: () => T | InputRequired | PromiseLike<T | InputRequired>,
  first: T | InputRequired | PromiseLike<T | InputRequired>,
): Promise<T | InputRequired> {
  let result = await first;
  for (let round = 1; round <= MAX_EMULATED_ROUNDS; round++) {
    if (!isInputRequired(result)) return result;
    if (round === MAX_EMULATED_ROUNDS) break;
    const asked = result;
    const answers: Record<string, unknown> = {};
    await Promise.all(
      Object.entries(asked.requests).map(async ([key, request]) => {
        answers[key] = await host.ask(request);
      }),
    );
    // Earlier rounds' answers stay visible, as the sealed state keeps them on the stateless path (MRTR-04).
    host.setInput({ ...host.inputResponses, ...answers }, asked.state);
    result = await invoke();
  }
  throw new McpError(ErrorCode.InternalError, `The handler still asked for input after ${MAX_EMULATED_ROUNDS} rounds`);
}
