/**
 * Shared setup for the stateless (2026-07-28) tests: a fixture server of our own (not examples/everything) behind the
 * Node adapter on 127.0.0.1 (port 0), the official 2026-capable client (`@modelcontextprotocol/client`, pinned to
 * 2026-07-28) with a wire recorder that validates every message the server sends against the 2026-07-28 JSON schema,
 * and raw undici helpers for hand-built requests.
 *
 * Every wait here is bounded (`waitFor`, `SseReader.next`), so a broken server fails a test instead of hanging it.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ClientCapabilities, VersionNegotiationMode } from '@modelcontextprotocol/client';
import { createMcp, inputRequired } from '@x/mcp-core';
import type { ElicitResult, Mcp, McpOptions } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { Agent, request } from 'undici';
import { expect } from 'vitest';
import * as z from 'zod';
import { assertSchema } from '../support/schema.ts';
import { SseParser, SseReader } from '../support/sse-reader.ts';
import type { SseEvent } from '../support/sse-reader.ts';
import { sleep, waitFor, within } from '../support/timing';

/** The stateless revision under test. */
export const V = '2026-07-28';
export const META_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CAPS = 'io.modelcontextprotocol/clientCapabilities';
export const META_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';
export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

export const FIXTURE_INFO = { name: 'stateless-fixture', version: '1.0.0' } as const;

// ---- timing -------------------------------------------------------------------------------------

export { sleep, waitFor, within };

// ---- the fixture server -------------------------------------------------------------------------

/** What the fixture's handlers observed, for assertions. */
export interface Observed {
  /** `state_machine` runs: the requestState and inputResponses each run saw. */
  stateRuns: { requestState: unknown; inputResponses: unknown }[];
  /** `elicit_name` runs: the inputResponses each saw. */
  elicitRuns: unknown[];
  /** Requests of `wait_for_abort` that started (request ids). */
  started: unknown[];
  /** Reasons of the handler signals that aborted in `wait_for_abort`. */
  aborted: unknown[];
  /** Whether a `wait_for_abort` handler went on to return after its abort. */
  returnedAfterAbort: number;
}

/** The elicitation the fixture asks for (a form with one string). */
export const askName = { message: 'What is your name?', requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] } };
export const askColor = { message: 'Favourite colour?', requestedSchema: { type: 'object' as const, properties: { color: { type: 'string' as const } } } };

/** What builds the fixture's server: `createMcp` unless a test says otherwise (`createStatelessMcp`...). */
export type CreateServer = (options: McpOptions) => Mcp;

/**
 * The fixture: a handful of tools exercising each stateless feature, one resource, one prompt.
 * @param options createMcp overrides.
 * @param observed Where the handlers record what they saw.
 * @param create What builds the server.
 */
export function createFixture(options: Partial<McpOptions>, observed: Observed, create: CreateServer = createMcp): Mcp {
  const mcp = create({ ...FIXTURE_INFO, ...options });
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

  mcp.tool('echo', { description: 'Echoes its text', inputSchema: z.object({ text: z.string() }) }, ({ text: t }) => text(t));

  // MRTR through the context: ctx.elicit with a key. The handler runs again from the start on the retry.
  mcp.tool('elicit_name', { description: 'Asks the user for a name (ctx.elicit)' }, async (_args, ctx) => {
    observed.elicitRuns.push(ctx.inputResponses);
    const answer = await ctx.elicit(askName, { key: 'user_name' });
    if (answer.action !== 'accept') return text('no name');
    return text(`Hello, ${String(answer.content?.name)}`);
  });

  // MRTR by hand: inputRequired({ requests, state }) over two rounds; the first answer lives only in the state.
  mcp.tool('state_machine', { description: 'Two rounds of inputRequired with requestState' }, (_args, ctx) => {
    observed.stateRuns.push({ requestState: ctx.requestState, inputResponses: ctx.inputResponses });
    const state = ctx.requestState as { step: number; name?: string } | undefined;
    if (state === undefined) {
      return inputRequired({ requests: { step1: { method: 'elicitation/create', params: askName } }, state: { step: 1 } });
    }
    if (state.step === 1) {
      const a = ctx.inputResponses?.step1 as ElicitResult | undefined;
      const name = String(a?.content?.name);
      return inputRequired({ requests: { step2: { method: 'elicitation/create', params: askColor } }, state: { step: 2, name } });
    }
    const b = ctx.inputResponses?.step2 as ElicitResult | undefined;
    return text(`${state.name} likes ${String(b?.content?.color)}`);
  });

  // State only, no questions: the retry brings nothing but the state.
  mcp.tool('state_only', { description: 'inputRequired with state only' }, (_args, ctx) => {
    if (ctx.requestState === undefined) return inputRequired({ state: { n: 1 } });
    return text(`state ${JSON.stringify(ctx.requestState)}`);
  });

  // Needs sampling: -32021 when the client did not declare it (M-04, MRTR-03).
  mcp.tool('needs_sampling', { description: 'Asks the client model' }, async (_args, ctx) => {
    const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 10 });
    return text(String((r.content as { text?: string }).text));
  });

  // Related messages: progress (only with a progressToken) and logs (only with a logLevel) on the request's stream.
  mcp.tool('chatty', { description: 'Reports progress and logs, then answers' }, async (_args, ctx) => {
    ctx.log.debug('debug line');
    ctx.progress(1, 3, 'one');
    ctx.log.info({ step: 2 }, 'chatty');
    ctx.progress(2, 3, 'two');
    ctx.log.warning('warning line');
    ctx.progress(3, 3, 'three');
    return text('done');
  });

  // Cancellation (MH-05): optionally opens the stream with a progress event, then waits for its signal.
  mcp.tool('wait_for_abort', { description: 'Waits until the request is cancelled', inputSchema: z.object({ stream: z.boolean() }) }, async ({ stream }, ctx) => {
    observed.started.push(ctx.requestId);
    if (stream) ctx.progress(1, undefined, 'started');
    const reason = await new Promise<unknown>((resolve) => {
      if (ctx.signal.aborted) resolve(ctx.signal.reason);
      else ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true });
    });
    observed.aborted.push(reason);
    ctx.progress(2, undefined, 'after abort'); // must go nowhere
    ctx.log.error('after abort');
    observed.returnedAfterAbort++;
    return text('too late');
  });

  // A mirrored argument (HDR-06): Mcp-Param-Region.
  mcp.tool('region_tool', { description: 'Takes a mirrored region', inputSchema: z.object({ region: z.string() }), headers: { region: 'Region' } }, ({ region }) => text(`region ${region}`));

  mcp.resource('static', 'test://static', { description: 'A fixed text', mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri, mimeType: 'text/plain', text: 'static text' }] }));
  mcp.prompt('greeting', { description: 'A greeting' }, () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'Hello' } }] }));
  return mcp;
}

/** A fixture on a real socket. */
export interface Served {
  mcp: Mcp;
  server: NodeServer;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** `${origin}/mcp`. */
  url: string;
  /** Errors the core or the adapter reported. */
  errors: unknown[];
  observed: Observed;
  close(): Promise<void>;
}

/**
 * Serves the fixture on 127.0.0.1 with a free port.
 * @param options createMcp overrides.
 * @param setup Registers extra features before serving.
 * @param create What builds the server (default `createMcp`).
 */
export async function startFixture(options: Partial<McpOptions> = {}, setup?: (mcp: Mcp) => void, create?: CreateServer): Promise<Served> {
  const errors: unknown[] = [];
  const observed: Observed = { stateRuns: [], elicitRuns: [], started: [], aborted: [], returnedAfterAbort: 0 };
  const mcp = createFixture({ onError: (e) => errors.push(e), ...options }, observed, create);
  setup?.(mcp);
  const server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e) });
  return {
    mcp,
    server,
    origin: server.url,
    url: `${server.url}/mcp`,
    errors,
    observed,
    close: async () => {
      await mcp.close();
      await server.close();
    },
  };
}

export { expectIdle } from '../support/idle.ts';

// ---- SSE ----------------------------------------------------------------------------------------

export { SseReader } from '../support/sse-reader.ts';
export type { SseEvent } from '../support/sse-reader.ts';

// ---- schema checks ------------------------------------------------------------------------------

/** The 2026 result definition of each request method. */
const RESULT_DEFINITION: Record<string, string> = {
  'server/discover': 'DiscoverResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'completion/complete': 'CompleteResult',
  'subscriptions/listen': 'SubscriptionsListenResult',
};

/** The 2026 error definitions by code: whole-message ones, then error-object ones. */
const ERROR_MESSAGE_DEFINITION: Record<number, string> = {
  [-32020]: 'HeaderMismatchError',
  [-32021]: 'MissingRequiredClientCapabilityError',
  [-32022]: 'UnsupportedProtocolVersionError',
};
const ERROR_OBJECT_DEFINITION: Record<number, string> = {
  [-32700]: 'ParseError',
  [-32600]: 'InvalidRequestError',
  [-32601]: 'MethodNotFoundError',
  [-32602]: 'InvalidParamsError',
  [-32603]: 'InternalError',
};

/**
 * Validates one server message against the 2026-07-28 schema: the JSON-RPC envelope, then the method-specific part.
 * A server-to-client request is a violation in itself (M-07).
 * @param message The parsed message.
 * @param methodOf The method of the request with this id, if known.
 * @returns The violations (empty when valid).
 */
export function checkServerMessage(message: any, methodOf: (id: unknown) => string | undefined = () => undefined): string[] {
  const out: string[] = [];
  const check = (def: string, value: unknown) => {
    try {
      assertSchema(V, def, value);
    } catch (e) {
      out.push((e as Error).message);
    }
  };
  check('JSONRPCMessage', message);
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    out.push(`not one JSON-RPC object: ${JSON.stringify(message).slice(0, 200)}`);
    return out;
  }
  if ('method' in message && 'id' in message) out.push(`M-07: the server sent a request: ${JSON.stringify(message).slice(0, 200)}`);
  else if ('method' in message) {
    check('JSONRPCNotification', message);
    check('ServerNotification', message);
  } else if ('result' in message) {
    check('JSONRPCResultResponse', message);
    const method = methodOf(message.id);
    if (message.result?.resultType === 'input_required') check('InputRequiredResult', message.result);
    else if (method !== undefined && RESULT_DEFINITION[method] !== undefined) check(RESULT_DEFINITION[method]!, message.result);
    else check('Result', message.result);
  } else if ('error' in message) {
    check('JSONRPCErrorResponse', message);
    const code = message.error?.code as number;
    if (ERROR_MESSAGE_DEFINITION[code] !== undefined) check(ERROR_MESSAGE_DEFINITION[code]!, message);
    if (ERROR_OBJECT_DEFINITION[code] !== undefined) check(ERROR_OBJECT_DEFINITION[code]!, message.error);
  }
  return out;
}

// ---- wire recorder for the official client ------------------------------------------------------

/** One HTTP exchange seen by the recorder. */
export interface Exchange {
  method: string;
  /** Parsed request body. */
  body?: any;
  requestHeaders: Headers;
  status: number;
  headers: Headers;
  contentType: string;
  /** Server messages carried by the response, in order (JSON body or SSE events). */
  messages: any[];
  /** Settles when the response body ended (or was cancelled). */
  ended: Promise<void>;
}

/**
 * A fetch for the client transport that records every exchange and validates every message the server sends against
 * the 2026-07-28 schema (all statuses: 2026 error bodies never carry `id: null`).
 */
export class Wire {
  readonly exchanges: Exchange[] = [];
  readonly violations: string[] = [];
  #methods = new Map<string, string>();

  methodOf(id: unknown): string | undefined {
    return this.#methods.get(JSON.stringify(id));
  }

  /** Every server message, in arrival order per exchange. */
  get received(): any[] {
    return this.exchanges.flatMap((e) => e.messages);
  }

  /** Exchanges whose request was `method` (JSON-RPC method). */
  posts(method: string): Exchange[] {
    return this.exchanges.filter((e) => e.body?.method === method);
  }

  readonly fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    let body: any;
    if (typeof init.body === 'string') {
      body = JSON.parse(init.body);
      if (Array.isArray(body)) this.violations.push('the client sent a batch');
      else if (body?.method !== undefined && body.id !== undefined) this.#methods.set(JSON.stringify(body.id), body.method);
    }
    const response = await fetch(url, init);
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const exchange: Exchange = { method, body, requestHeaders: new Headers(init.headers), status: response.status, headers: response.headers, contentType, messages: [], ended: Promise.resolve() };
    this.exchanges.push(exchange);
    if (response.headers.has('mcp-session-id')) this.violations.push(`MH-01: the server sent Mcp-Session-Id on a 2026 exchange (${body?.method})`);
    if (response.body === null) return response;
    const record = (text: string) => {
      let message: any;
      try {
        message = JSON.parse(text);
      } catch {
        this.violations.push(`not JSON: ${text.slice(0, 200)}`);
        return;
      }
      exchange.messages.push(message);
      this.violations.push(...checkServerMessage(message, (id) => this.methodOf(id)));
    };
    const decoder = new TextDecoder();
    let text = '';
    const parser = new SseParser((e) => {
      if (e.data !== '') record(e.data);
    });
    let endedResolve!: () => void;
    exchange.ended = new Promise((r) => (endedResolve = r));
    // The client aborting the fetch ends the exchange too (a body read may then never settle).
    init.signal?.addEventListener('abort', () => endedResolve(), { once: true });
    const inspect = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        controller.enqueue(chunk);
        const s = decoder.decode(chunk, { stream: true });
        if (contentType === 'text/event-stream') parser.push(s);
        else text += s;
      },
      flush: () => {
        if (contentType === 'application/json' && text !== '') record(text);
        endedResolve();
      },
    });
    const piped = response.body.pipeThrough(inspect);
    // A cancelled or aborted body never flushes: settle `ended` anyway.
    return new Response(
      new ReadableStream<Uint8Array>({
        async start(controller) {
          const reader = piped.getReader();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              controller.enqueue(value);
            }
            controller.close();
          } catch (error) {
            controller.error(error);
          } finally {
            endedResolve();
          }
        },
        cancel(reason) {
          endedResolve();
          return piped.cancel(reason);
        },
      }),
      { status: response.status, statusText: response.statusText, headers: response.headers },
    );
  };
}

/** A connected official 2026 client with its wire recorder. */
export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  wire: Wire;
  close(): Promise<void>;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  capabilities?: ClientCapabilities;
  /** Registers handlers before connecting. */
  setup?: (client: Client) => void;
  /** How the client picks its version: pinned to 2026-07-28 unless given ('auto' probes, 'legacy' initializes). */
  mode?: VersionNegotiationMode;
}

/**
 * Connects the official client to `url`, pinned to 2026-07-28 by default: `connect()` probes with `server/discover`
 * and every later request carries the `_meta` envelope and the mirrored headers.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Connected> {
  const wire = new Wire();
  const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: wire.fetch });
  const client = new Client(
    { name: 'x-mcp-stateless', version: '1.0.0' },
    { capabilities: options.capabilities ?? {}, versionNegotiation: { mode: options.mode ?? { pin: V } } },
  );
  options.setup?.(client);
  await within(client.connect(transport), 5000, 'client.connect');
  return {
    client,
    transport,
    wire,
    close: async () => {
      await within(client.close(), 3000, 'client.close');
    },
  };
}

/** The official clients one test file opens: each test's are closed and their wire checked after it. */
export interface Clients {
  /** Connects (see {@link connect}) and remembers the client. */
  connect(options?: ConnectOptions): Promise<Connected>;
  /**
   * Closes every client opened since the last call, then checks each wire: no schema violation, and POSTs only
   * (MH-01, DUAL-06: a 2026 client never needs GET or DELETE).
   */
  closeAll(): Promise<void>;
}

/**
 * Keeps the clients of a test file.
 * @param url The endpoint, read when a client connects (the server may start after this is called).
 * @returns Their tracker.
 */
export function trackClients(url: () => string): Clients {
  const open: Connected[] = [];
  return {
    connect: async (options = {}) => {
      const c = await connect(url(), options);
      open.push(c);
      return c;
    },
    closeAll: async () => {
      const all = open.splice(0);
      for (const c of all) await c.close();
      for (const c of all) expect(c.wire.violations).toEqual([]);
      for (const c of all) expect(c.wire.exchanges.filter((e) => e.method !== 'POST')).toEqual([]);
    },
  };
}

// ---- raw HTTP (undici) --------------------------------------------------------------------------

/** The `_meta` envelope of a 2026 request. */
export function envelope(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [META_VERSION]: V, [META_CAPS]: {}, [META_INFO]: { name: 'raw-2026', version: '0.0.0' }, ...extra };
}

/** A 2026 request body: `params._meta` is the envelope merged with `meta`. */
export function rpc(method: string, params: Record<string, unknown> = {}, id: string | number = 1, meta: Record<string, unknown> = {}): Record<string, unknown> {
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta: envelope(meta) } };
}

/** The headers a 2026 client sends for `body` (HDR-01, HDR-03). */
export function headersFor(body: any): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': V };
  if (typeof body?.method === 'string') h['mcp-method'] = body.method;
  const p = body?.params;
  if ((body?.method === 'tools/call' || body?.method === 'prompts/get') && typeof p?.name === 'string') h['mcp-name'] = p.name;
  if (body?.method === 'resources/read' && typeof p?.uri === 'string') h['mcp-name'] = p.uri;
  return h;
}

/** One raw exchange, fully read. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  contentType: string | undefined;
  json(): any;
}

/** Raw HTTP against one server. */
export interface Raw {
  /** Any method, exact headers. */
  send(method: string, options?: { headers?: Record<string, string>; body?: string }): Promise<RawResponse>;
  /**
   * POSTs `body` with the headers a 2026 client would send (see {@link headersFor}), then applies `headers`:
   * a value of `null` removes that header.
   */
  post(body: unknown, headers?: Record<string, string | null>): Promise<RawResponse>;
  /** POSTs and returns the live response (for streams), with an abort controller. */
  open(body: unknown, headers?: Record<string, string | null>): Promise<{ status: number; headers: Headers; reader?: SseReader; text?: string; abort(): void }>;
  close(): Promise<void>;
}

/** Headers for `body` after overrides (`null` removes). */
export function mergeHeaders(body: unknown, overrides: Record<string, string | null> = {}): Record<string, string> {
  const h = headersFor(body);
  for (const [k, v] of Object.entries(overrides)) {
    for (const existing of Object.keys(h)) if (existing.toLowerCase() === k.toLowerCase()) delete h[existing];
    if (v !== null) h[k] = v;
  }
  return h;
}

/**
 * Raw undici helpers bound to `url` (no header is added behind our back except Host and framing).
 * @param url The endpoint.
 */
export function raw(url: string): Raw {
  const agent = new Agent({ keepAliveTimeout: 1000 });
  const send: Raw['send'] = async (method, o = {}) => {
    const r = await request(url, { method: method as 'POST', headers: o.headers ?? {}, body: o.body, dispatcher: agent });
    const text = await r.body.text();
    const ct = r.headers['content-type'];
    return { status: r.statusCode, headers: r.headers, text, contentType: Array.isArray(ct) ? ct[0] : ct, json: () => JSON.parse(text) };
  };
  return {
    send,
    post: (body, headers) => send('POST', { headers: mergeHeaders(body, headers), body: typeof body === 'string' ? body : JSON.stringify(body) }),
    open: async (body, headers) => {
      const ac = new AbortController();
      const r = await fetch(url, { method: 'POST', headers: mergeHeaders(body, headers), body: JSON.stringify(body), signal: ac.signal });
      const type = r.headers.get('content-type') ?? '';
      if (type.startsWith('text/event-stream') && r.body !== null) return { status: r.status, headers: r.headers, reader: new SseReader(r.body), abort: () => ac.abort() };
      return { status: r.status, headers: r.headers, text: await r.text(), abort: () => ac.abort() };
    },
    close: () => agent.close(),
  };
}

/**
 * Checks an HTTP response whose body is one JSON-RPC error, and validates it against the 2026 schema.
 * @param r The response.
 * @param status HTTP status.
 * @param code JSON-RPC error code.
 * @param message What the message must name.
 * @param id The request id the error must echo (undefined: not checked).
 * @returns The parsed message.
 */
export function expectJsonRpcError(r: RawResponse, status: number, code: number, message: RegExp, id?: string | number): any {
  expect(r.status, r.text).toBe(status);
  expect(r.contentType).toMatch(/^application\/json/);
  const msg = r.json();
  expect(msg.jsonrpc).toBe('2.0');
  expect(msg).not.toHaveProperty('result');
  expect(msg.error.code, r.text).toBe(code);
  expect(msg.error.message).toMatch(message);
  if (id !== undefined) expect(msg.id).toBe(id);
  expect(checkServerMessage(msg)).toEqual([]);
  return msg;
}
