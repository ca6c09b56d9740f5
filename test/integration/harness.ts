/**
 * Shared setup for the integration tests: a real node:http server on 127.0.0.1 (port 0), the official SDK client
 * over Streamable HTTP, and a wire recorder that validates every message the server sends against the official
 * MCP JSON schema of the negotiated revision (../../../shared/spec/schema/).
 *
 * Every wait here is bounded (`waitFor`, `SseReader.next`), so a broken server fails a test instead of hanging it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import type { Mcp, McpOptions } from '@x/mcp-core';
import { fetch as undiciFetch } from 'undici';
import { createEverything } from '../../examples/everything/everything.ts';
import { assertSchema } from '../support/schema.ts';
import { SseParser } from '../support/sse-reader.ts';
import type { SseEvent } from '../support/sse-reader.ts';
import { sleep, waitFor, within } from '../support/timing';

export const LATEST = '2025-11-25';
/** The handshake revisions the suite runs against with the SDK client. */
export const REVISIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;

// ---- timing -------------------------------------------------------------------------------------

export { sleep, waitFor, within };

// ---- servers ------------------------------------------------------------------------------------

/** A server on a real socket. */
export interface Served {
  mcp: Mcp;
  server: NodeServer;
  /** `${server.url}/mcp` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves an Mcp on 127.0.0.1 with a free port.
 * @param mcp The server.
 * @returns Its URL and a close function (mcp.close(), then server.close()).
 */
export async function startServer(mcp: Mcp): Promise<Served> {
  const server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: () => {} });
  return {
    mcp,
    server,
    url: `${server.url}/mcp`,
    close: async () => {
      await mcp.close();
      await server.close();
    },
  };
}

/** Serves the everything fixture. Unexpected server errors go to `errors` (checked by `expectIdle`). */
export async function startEverything(options: Partial<McpOptions> = {}, errors: unknown[] = []): Promise<Served> {
  return startServer(createEverything({ onError: (e) => errors.push(e), ...options }));
}

export { expectIdle } from '../support/idle.ts';

// ---- SSE ----------------------------------------------------------------------------------------

export { SseParser, SseReader } from '../support/sse-reader.ts';
export type { SseEvent } from '../support/sse-reader.ts';

// ---- wire recorder ------------------------------------------------------------------------------

/** The schema definition of the result of each client request method. */
const RESULT_DEFINITION: Record<string, string> = {
  initialize: 'InitializeResult',
  ping: 'EmptyResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'resources/subscribe': 'EmptyResult',
  'resources/unsubscribe': 'EmptyResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'completion/complete': 'CompleteResult',
  'logging/setLevel': 'EmptyResult',
  // 2025-11-25 tasks: a task-augmented tools/call is recorded under this name by the harnesses that know it.
  'tools/call+task': 'CreateTaskResult',
  'tasks/get': 'GetTaskResult',
  'tasks/result': 'GetTaskPayloadResult',
  'tasks/list': 'ListTasksResult',
  'tasks/cancel': 'CancelTaskResult',
};

/** One message the server sent. */
export interface Received {
  /** HTTP method of the request whose response carried it. */
  via: 'POST' | 'GET';
  eventId?: string;
  message: any;
}

/** One HTTP exchange seen by the recorder. */
export interface Exchange {
  method: string;
  /** Parsed request body (POST). */
  body?: any;
  requestHeaders: Headers;
  status: number;
  headers: Headers;
  /** SSE events (text/event-stream responses). */
  events: SseEvent[];
  /** Parsed JSON body (application/json responses). */
  json?: unknown;
  /** The raw JSON body text (application/json responses), once it ended. */
  text?: string;
  /** Settles when the response body ended. */
  ended: Promise<void>;
}

/**
 * Validates one server message against a revision's schema: the JSON-RPC envelope, then the method-specific
 * part (ServerRequest / ServerNotification / the result definition of the request it answers).
 * @returns The violations (empty when valid).
 */
export function checkServerMessage(revision: string, message: any, methodOfId: (id: unknown) => string | undefined): string[] {
  const out: string[] = [];
  const check = (def: string, value: unknown) => {
    try {
      assertSchema(revision, def, value);
    } catch (e) {
      out.push((e as Error).message);
    }
  };
  check('JSONRPCMessage', message);
  if (Array.isArray(message)) {
    for (const m of message) out.push(...checkServerMessage(revision, m, methodOfId).filter((v) => !v.startsWith('JSONRPCMessage')));
    return out;
  }
  if (typeof message !== 'object' || message === null) return out;
  // The whole message: 2025-11-25 defines notifications and requests with `jsonrpc` (and `id`); older schemas
  // define only `method`/`params` and allow other members.
  if ('method' in message && 'id' in message) check('ServerRequest', message);
  else if ('method' in message) check('ServerNotification', message);
  else if ('result' in message) {
    const method = methodOfId(message.id);
    const def = method === undefined ? undefined : RESULT_DEFINITION[method];
    if (def !== undefined) check(def, message.result);
  }
  return out;
}

/**
 * A fetch for the SDK transport that records every exchange and validates every message the server sends.
 * `requestVersion` rewrites the `protocolVersion` of the SDK's `initialize` (the SDK always asks for its latest),
 * so the client can negotiate older revisions.
 */
export class Wire {
  readonly exchanges: Exchange[] = [];
  readonly received: Received[] = [];
  /** Messages the client POSTed. */
  readonly sent: any[] = [];
  readonly violations: string[] = [];
  /** The negotiated revision, once the initialize result went by. */
  revision: string;
  #methods = new Map<string, string>();
  #initId: unknown;

  constructor(readonly requestVersion?: string) {
    this.revision = requestVersion ?? LATEST;
  }

  methodOf(id: unknown): string | undefined {
    return this.#methods.get(JSON.stringify(id));
  }

  readonly fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    let body: any;
    if (typeof init.body === 'string') {
      body = JSON.parse(init.body);
      for (const m of Array.isArray(body) ? body : [body]) {
        if (m?.method === 'initialize') {
          this.#initId = m.id;
          if (this.requestVersion !== undefined) m.params.protocolVersion = this.requestVersion;
        }
        if (m?.method !== undefined && m.id !== undefined) this.#methods.set(JSON.stringify(m.id), m.method);
        this.sent.push(m);
      }
      init = { ...init, body: JSON.stringify(body) };
    }
    const response = await fetch(url, init);
    const exchange: Exchange = {
      method,
      body,
      requestHeaders: new Headers(init.headers),
      status: response.status,
      headers: response.headers,
      events: [],
      ended: Promise.resolve(),
    };
    this.exchanges.push(exchange);
    if (response.body === null) return response;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const via = method === 'GET' ? 'GET' : 'POST';
    const decoder = new TextDecoder();
    let text = '';
    const parser = new SseParser((e) => {
      exchange.events.push(e);
      if (e.data !== '') this.#record(exchange, via, e.data, e.id);
    });
    let endedResolve!: () => void;
    exchange.ended = new Promise((r) => (endedResolve = r));
    const inspect = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        controller.enqueue(chunk);
        try {
          const s = decoder.decode(chunk, { stream: true });
          if (type === 'text/event-stream') parser.push(s);
          else text += s;
        } catch (e) {
          this.violations.push(`wire: ${(e as Error).message}`);
        }
      },
      flush: () => {
        if (type === 'application/json') exchange.text = text;
        if (type === 'application/json' && text !== '' && response.ok) this.#record(exchange, via, text, undefined);
        else if (type === 'application/json' && text !== '') exchange.json = safeJson(text);
        endedResolve();
      },
    });
    // Error bodies (4xx) are recorded but not schema-checked: before 2025-11-25 they carry `"id": null` (TRAP-02).
    return new Response(response.body.pipeThrough(inspect), { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  #record(exchange: Exchange, via: 'POST' | 'GET', text: string, eventId: string | undefined): void {
    let message: any;
    try {
      message = JSON.parse(text);
    } catch {
      this.violations.push(`not JSON: ${text.slice(0, 200)}`);
      return;
    }
    if (eventId === undefined && exchange.json === undefined) exchange.json = message;
    for (const m of Array.isArray(message) ? message : [message]) {
      if (m?.id !== undefined && m.id === this.#initId && typeof m.result?.protocolVersion === 'string') this.revision = m.result.protocolVersion;
      const r: Received = { via, message: m };
      if (eventId !== undefined) r.eventId = eventId;
      this.received.push(r);
    }
    this.violations.push(...checkServerMessage(this.revision, message, (id) => this.methodOf(id)));
  }

  /** Server messages with this method (notifications and server requests). */
  messages(method: string): any[] {
    return this.received.filter((r) => r.message?.method === method).map((r) => r.message);
  }

  /** Whether the standalone GET stream is open (a 200 text/event-stream answer to a GET without Last-Event-ID). */
  get getStreamOpen(): boolean {
    return this.exchanges.some((e) => e.method === 'GET' && e.status === 200 && !e.requestHeaders.has('last-event-id'));
  }
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

// ---- SDK client ---------------------------------------------------------------------------------

/** A connected SDK client with its transport and wire recorder. */
export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  wire: Wire;
  /** The session id the server issued. */
  sessionId: string;
  /** DELETE the session (SES-07), then close the client. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Protocol revision the client asks for (default: the SDK's latest, 2025-11-25). */
  version?: string;
  capabilities?: ClientCapabilities;
  /** Registers handlers before connecting. */
  setup?: (client: Client) => void;
  /** Wait until the SDK opened its standalone GET stream (default true). */
  waitForGet?: boolean;
  /** Shared violations list: every violation the wire records is appended here on close. */
  violations?: string[];
}

/**
 * Connects the official SDK client to `url`.
 * @returns The connected client.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Connected> {
  const wire = new Wire(options.version);
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: wire.fetch,
    // Bounded: a broken server cannot make the client retry forever.
    reconnectionOptions: { initialReconnectionDelay: 50, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 1.5, maxRetries: 3 },
  });
  const client = new Client({ name: 'x-mcp-integration', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  options.setup?.(client);
  await within(client.connect(transport), 5000, 'client.connect');
  if (options.waitForGet !== false) await waitFor(() => wire.getStreamOpen, 'the SDK GET stream');
  const sessionId = transport.sessionId!;
  let closed = false;
  return {
    client,
    transport,
    wire,
    sessionId,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        if (transport.sessionId !== undefined) await within(transport.terminateSession(), 3000, 'DELETE');
      } finally {
        await client.close();
        options.violations?.push(...wire.violations);
      }
    },
  };
}

// ---- raw HTTP (undici) --------------------------------------------------------------------------

/** A raw session opened with undici's fetch. */
export interface RawSession {
  url: string;
  sessionId: string;
  version: string;
  initializeResult: any;
  initializeHeaders: Headers;
  /** Headers for later requests (session id, protocol version from 2025-06-18). */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** POSTs one message. */
  post(message: unknown, init?: { signal?: AbortSignal; headers?: Record<string, string> }): Promise<Response>;
  /** GETs the session's stream (optionally resuming). */
  get(init?: { lastEventId?: string; signal?: AbortSignal }): Promise<Response>;
  delete(): Promise<Response>;
}

let rawIds = 0;
/** A fresh JSON-RPC id for raw requests. */
export const nextId = () => ++rawIds;

/**
 * `initialize` + `notifications/initialized` over raw HTTP.
 * @param url The endpoint.
 * @param version The `protocolVersion` to request.
 * @param capabilities Client capabilities.
 */
export async function rawSession(url: string, version: string, capabilities: Record<string, unknown> = {}): Promise<RawSession> {
  const post = (message: unknown, headers: Record<string, string>, signal?: AbortSignal) =>
    undiciFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(message),
      signal,
    }) as unknown as Promise<Response>;
  const init = await post(
    { jsonrpc: '2.0', id: nextId(), method: 'initialize', params: { protocolVersion: version, capabilities, clientInfo: { name: 'raw', version: '1.0.0' } } },
    {},
  );
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status} ${await init.text()}`);
  const initializeResult = ((await init.json()) as any).result;
  const sessionId = init.headers.get('mcp-session-id')!;
  const negotiated = initializeResult.protocolVersion as string;
  const headers = (extra: Record<string, string> = {}) => ({
    'mcp-session-id': sessionId,
    ...(negotiated >= '2025-06-18' ? { 'mcp-protocol-version': negotiated } : {}),
    ...extra,
  });
  const s: RawSession = {
    url,
    sessionId,
    version: negotiated,
    initializeResult,
    initializeHeaders: init.headers as unknown as Headers,
    headers,
    post: (message, i) => post(message, headers(i?.headers), i?.signal),
    get: (i) =>
      undiciFetch(url, {
        method: 'GET',
        headers: headers({ accept: 'text/event-stream', ...(i?.lastEventId === undefined ? {} : { 'last-event-id': i.lastEventId }) }),
        signal: i?.signal,
      }) as unknown as Promise<Response>,
    delete: () => undiciFetch(url, { method: 'DELETE', headers: headers() }) as unknown as Promise<Response>,
  };
  const ack = await s.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  await ack.body?.cancel();
  return s;
}

/** Reads a POST answer (JSON or SSE) to the one JSON-RPC response it carries, plus what came before it. */
export async function readAnswer(response: Response, timeoutMs = 3000): Promise<{ response: any; before: any[]; events: SseEvent[] }> {
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) return { response: await response.json(), before: [], events: [] };
  if (!type.startsWith('text/event-stream') || response.body === null) throw new Error(`unexpected answer: ${response.status} ${type}`);
  const reader = new SseReader(response.body);
  const events = await reader.rest(timeoutMs);
  const messages = events.filter((e) => e.data !== '').map((e) => JSON.parse(e.data));
  const i = messages.findIndex((m) => 'result' in m || 'error' in m);
  if (i === -1) throw new Error(`no response on the stream: ${JSON.stringify(messages)}`);
  return { response: messages[i], before: messages.slice(0, i), events };
}
