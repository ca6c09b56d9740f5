/**
 * Shared setup for the HTTP+SSE (2024-11-05) transport tests (checklist §3): the everything fixture behind the Node
 * adapter on 127.0.0.1, the official SDK `SSEClientTransport` with a fetch that taps its stream and its POSTs, and a
 * raw undici client for the wire-level checks.
 *
 * Every message the server puts on a stream is validated against the schema of the negotiated revision, and every
 * event must be `event: endpoint` (first, only once) or `event: message` (SSE-02, SSE-03). Every wait is bounded.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Mcp, McpOptions } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { fetch as undiciFetch } from 'undici';
import type { Dispatcher } from 'undici';
import { createEverything } from '../../examples/everything/everything';
import { SseParser, checkServerMessage, sleep, waitFor, within } from '../integration/harness';
import type { SseEvent } from '../integration/harness';

export { sleep, waitFor, within };
export type { SseEvent };

/** The SDK's latest revision, which it asks for in `initialize`. */
export const SDK_LATEST = '2025-11-25';
/** The revision of this transport, which old clients ask for. */
export const OLD = '2024-11-05';

// ---- servers ------------------------------------------------------------------------------------

/** A server on a real loopback socket. */
export interface LegacyServed {
  mcp: Mcp;
  server: NodeServer;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `${origin}/sse` */
  sseUrl: string;
  /** Errors the core or the adapter reported. */
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * Serves the everything fixture (plus whatever `setup` registers) on a free loopback port.
 * @param options createMcp overrides.
 * @param setup Registers test-only tools before serving.
 */
export async function startLegacy(options: Partial<McpOptions> = {}, setup?: (mcp: Mcp) => void): Promise<LegacyServed> {
  const errors: unknown[] = [];
  const mcp = createEverything({ onError: (e) => errors.push(e), ...options });
  setup?.(mcp);
  const server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e) });
  return {
    mcp,
    server,
    origin: server.url,
    sseUrl: `${server.url}/sse`,
    errors,
    close: async () => {
      await mcp.close();
      await server.close();
    },
  };
}

export { ZERO, expectIdle } from '../support/idle.ts';

/** 'Timeout' handles the process holds (timers). */
export const activeTimeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

// ---- the stream checker -------------------------------------------------------------------------

/**
 * Checks one session's SSE stream as it goes by: the first event is `endpoint` (and only the first), every other
 * one is `message` with a JSON-RPC message valid for the negotiated revision.
 */
export class StreamChecker {
  readonly events: SseEvent[] = [];
  /** The JSON-RPC messages of the `message` events, in order. */
  readonly messages: any[] = [];
  readonly violations: string[] = [];
  /** The negotiated revision; until initialize answered, the one the client asked for. */
  revision: string;
  /** Keep-alive comment lines seen. */
  comments = 0;
  /** Raw text of the stream so far. */
  raw = '';
  /** Whether the stream ended (either side). */
  ended = false;
  #methods = new Map<string, string>();
  #initId: string | undefined;
  #parser = new SseParser((e) => this.#event(e));
  #listeners = new Set<() => void>();

  constructor(requested: string) {
    this.revision = requested;
  }

  /** Records a request the client sent (for the result's schema definition, and the negotiated revision). */
  sent(message: any): void {
    if (typeof message !== 'object' || message === null || message.method === undefined || message.id === undefined) return;
    // A task-augmented tools/call is answered with CreateTaskResult (TK1-03), not CallToolResult.
    const task = message.method === 'tools/call' && message.params?.task !== undefined;
    this.#methods.set(JSON.stringify(message.id), task ? 'tools/call+task' : message.method);
    if (message.method === 'initialize') this.#initId = JSON.stringify(message.id);
  }

  /** Feeds decoded stream text. */
  push(text: string): void {
    this.raw += text;
    for (const line of text.split('\n')) if (line.startsWith(':')) this.comments++;
    this.#parser.push(text);
    for (const l of this.#listeners) l();
  }

  /** Marks the end of the stream. */
  end(): void {
    this.ended = true;
    for (const l of this.#listeners) l();
  }

  /** The endpoint URI (data of the first event), once it arrived. */
  get endpoint(): string | undefined {
    const first = this.events[0];
    return first?.event === 'endpoint' ? first.data : undefined;
  }

  /** Messages with this method (notifications and server requests). */
  byMethod(method: string): any[] {
    return this.messages.filter((m) => m?.method === method);
  }

  /** The response with this id, once it arrived. */
  response(id: unknown): any {
    return this.messages.find((m) => m !== null && typeof m === 'object' && !('method' in m) && m.id === id);
  }

  /**
   * Waits (bounded) until `pick` finds something in this stream.
   * @returns What it found.
   * @throws After `timeoutMs`.
   */
  until<T>(pick: (s: StreamChecker) => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
    const found = pick(this);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const f = pick(this);
        if (f === undefined) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(f);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; stream so far: ${this.raw.slice(-600)}`));
      }, timeoutMs);
      this.#listeners.add(listener);
    });
  }

  /** Waits (bounded) until `pick` finds something among the messages. */
  waitMessage<T>(pick: (messages: any[]) => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
    return this.until((s) => pick(s.messages), what, timeoutMs);
  }

  #event(e: SseEvent): void {
    this.events.push(e);
    const n = this.events.length;
    if (e.event === 'endpoint') {
      if (n !== 1) this.violations.push(`SSE-02: an endpoint event at position ${n}`);
      return;
    }
    if (n === 1) this.violations.push(`SSE-02: the first event is ${JSON.stringify(e)}, not endpoint`);
    // SSE-03: every server-to-client message is `event: message`, written out.
    if (e.event !== 'message') this.violations.push(`SSE-03: event type ${JSON.stringify(e.event)} for ${e.data.slice(0, 200)}`);
    let message: any;
    try {
      message = JSON.parse(e.data);
    } catch {
      this.violations.push(`not JSON: ${e.data.slice(0, 200)}`);
      return;
    }
    if (message && typeof message === 'object' && 'result' in message && JSON.stringify(message.id) === this.#initId) {
      if (typeof message.result?.protocolVersion === 'string') this.revision = message.result.protocolVersion;
    }
    this.messages.push(message);
    // TRAP-02: an error for a message whose id could not be read has no conformant shape before 2025-11-25 (the
    // schemas require a non-null id); `"id": null` is what base JSON-RPC and the SDKs use there.
    if (this.revision < '2025-11-25' && message?.id === null && 'error' in message) {
      const ok = message.jsonrpc === '2.0' && Number.isInteger(message.error?.code) && typeof message.error?.message === 'string' && !('result' in message);
      if (!ok) this.violations.push(`malformed id-less error: ${e.data.slice(0, 200)}`);
      return;
    }
    this.violations.push(...checkServerMessage(this.revision, message, (id) => this.#methods.get(JSON.stringify(id))));
  }
}

// ---- the SDK client -----------------------------------------------------------------------------

/** One POST the SDK made and what the server answered. */
export interface PostRecord {
  url: string;
  body: any;
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * The fetch given to SSEClientTransport: it is used for the stream (GET) and for every POST, so it sees everything.
 * `requestVersion` rewrites the protocolVersion of the SDK's initialize (it always asks for its latest).
 */
export class SdkTap {
  readonly stream: StreamChecker;
  readonly posts: PostRecord[] = [];
  /** GET requests the transport made (the EventSource would reconnect after a drop: there must be one). */
  gets = 0;

  constructor(readonly requestVersion?: string) {
    this.stream = new StreamChecker(requestVersion ?? SDK_LATEST);
  }

  readonly fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    if (method !== 'POST') {
      this.gets++;
      const response = await fetch(url, init);
      if (response.body === null || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response;
      const decoder = new TextDecoder();
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          controller.enqueue(chunk);
          this.stream.push(decoder.decode(chunk, { stream: true }));
        },
        flush: () => this.stream.end(),
      });
      return new Response(response.body.pipeThrough(tap), { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    let body: any;
    if (typeof init.body === 'string') {
      body = JSON.parse(init.body);
      if (body?.method === 'initialize' && this.requestVersion !== undefined) body.params.protocolVersion = this.requestVersion;
      this.stream.sent(body);
      init = { ...init, body: JSON.stringify(body) };
    }
    const response = await fetch(url, init);
    const text = await response.clone().text();
    this.posts.push({ url: String(url), body, status: response.status, contentType: response.headers.get('content-type'), text });
    return response;
  };
}

/** A connected SDK client over HTTP+SSE. */
export interface SdkConnected {
  client: Client;
  transport: SSEClientTransport;
  tap: SdkTap;
  /** The session id, from the endpoint event. */
  sessionId: string;
  /** Errors the SDK client reported through `onerror`. */
  errors: Error[];
  close(): Promise<void>;
}

/** Options of {@link connectSdk}. */
export interface SdkConnectOptions {
  /** The protocolVersion the client asks for (default: the SDK's latest). */
  version?: string;
  capabilities?: ClientCapabilities;
  /** Registers handlers before connecting. */
  setup?: (client: Client) => void;
}

/**
 * Connects the official SDK client with SSEClientTransport.
 * @param sseUrl The GET endpoint.
 */
export async function connectSdk(sseUrl: string, options: SdkConnectOptions = {}): Promise<SdkConnected> {
  const tap = new SdkTap(options.version);
  const transport = new SSEClientTransport(new URL(sseUrl), { fetch: tap.fetch });
  const client = new Client({ name: 'x-mcp-legacy-sse', version: '1.0.0' }, { capabilities: options.capabilities ?? {} });
  const errors: Error[] = [];
  client.onerror = (e) => errors.push(e);
  options.setup?.(client);
  await within(client.connect(transport), 5000, 'client.connect over SSEClientTransport');
  const endpoint = tap.stream.endpoint;
  if (endpoint === undefined) throw new Error('no endpoint event');
  const sessionId = new URL(endpoint, sseUrl).searchParams.get('sessionId')!;
  let closed = false;
  return {
    client,
    transport,
    tap,
    sessionId,
    errors,
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

// ---- the raw client -----------------------------------------------------------------------------

/** A raw HTTP+SSE session: the GET stream read as it comes, and POSTs to the endpoint URI. */
export interface RawLegacy {
  /** The GET response. */
  response: Response;
  stream: StreamChecker;
  /** The endpoint event's data, as sent. */
  endpoint: string;
  /** The endpoint resolved against the SSE URL. */
  postUrl: URL;
  sessionId: string;
  /** POSTs one message (object or raw text) with Content-Type application/json. */
  post(message: unknown, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  /**
   * POSTs a request and waits for its response on the stream.
   * @returns The JSON-RPC response.
   */
  call(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<any>;
  /** Closes the GET stream (the client goes away). */
  abort(): void;
  /** Settles when the stream ended, whichever side ended it. */
  done: Promise<void>;
}

let rawIds = 0;
/** A fresh JSON-RPC id. */
export const nextId = (): number => ++rawIds;

/** Options of {@link openRaw}. */
export interface RawOptions {
  /** Headers of the GET. */
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  /** The protocolVersion to initialize with; undefined: do not initialize. Default: 2024-11-05. */
  initialize?: string | undefined;
  capabilities?: Record<string, unknown>;
}

/**
 * Opens the stream with undici, reads the endpoint event, and (unless told not to) initializes the session.
 * @param sseUrl The GET URL.
 */
export async function openRaw(sseUrl: string, options: RawOptions = {}): Promise<RawLegacy> {
  const version = 'initialize' in options ? options.initialize : OLD;
  const ac = new AbortController();
  const response = (await undiciFetch(sseUrl, {
    headers: { accept: 'text/event-stream', ...options.headers },
    signal: ac.signal,
    dispatcher: options.dispatcher,
  })) as unknown as Response;
  if (response.status !== 200 || response.body === null) throw new Error(`GET ${sseUrl}: HTTP ${response.status} ${await response.text()}`);
  const stream = new StreamChecker(version ?? OLD);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        stream.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by the client, or reset
    } finally {
      stream.end();
    }
  })();
  await stream.until((s) => (s.events.length > 0 ? true : undefined), 'the endpoint event');
  const endpoint = stream.endpoint;
  if (endpoint === undefined) throw new Error(`first event is not endpoint: ${JSON.stringify(stream.events[0])}`);
  const postUrl = new URL(endpoint, sseUrl);
  const post = async (message: unknown, headers: Record<string, string> = {}) => {
    if (typeof message !== 'string') stream.sent(message);
    const r = (await undiciFetch(postUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof message === 'string' ? message : JSON.stringify(message),
      dispatcher: options.dispatcher,
    })) as unknown as Response;
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  const call = async (method: string, params?: Record<string, unknown>, timeoutMs = 3000) => {
    const id = nextId();
    const r = await post(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    if (r.status !== 202) throw new Error(`POST ${method}: HTTP ${r.status} ${r.text}`);
    return stream.waitMessage(() => stream.response(id), `the response to ${method}`, timeoutMs);
  };
  const raw: RawLegacy = {
    response,
    stream,
    endpoint,
    postUrl,
    sessionId: postUrl.searchParams.get('sessionId')!,
    post,
    call,
    abort: () => ac.abort(),
    done,
  };
  if (version !== undefined) {
    const init = await call('initialize', { protocolVersion: version, capabilities: options.capabilities ?? {}, clientInfo: { name: 'raw-legacy', version: '1.0.0' } });
    if (init.result === undefined) throw new Error(`initialize failed: ${JSON.stringify(init)}`);
    const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  }
  return raw;
}
