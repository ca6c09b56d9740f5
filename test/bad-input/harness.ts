/**
 * A real-socket harness for the bad-input tests: the everything server behind the Node adapter, raw HTTP through
 * undici `request` (no header is added behind our back except Host and framing), and the checks every test ends with.
 */
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { expect } from 'vitest';
import type { Mcp, McpOptions } from '@x/mcp-core';
import { serve } from '@x/mcp-node-http';
import type { NodeServer } from '@x/mcp-node-http';
import { createEverything } from '../../examples/everything/everything';

/** What the client sends with a valid POST. */
export const POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

/** A minimal initialize body. */
export const initBody = (protocolVersion: string, id: string | number = 1): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'bad-input-test', version: '0.0.0' } },
  });

/** One raw exchange, fully read. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text ('' when empty). */
  text: string;
  /** `content-type` header, or undefined. */
  contentType: string | undefined;
  /** The body parsed as JSON (throws when it is not). */
  json(): any;
}

/** Options of {@link Harness.raw}. */
export interface RawOptions {
  path?: string;
  headers?: Record<string, string>;
  /** A string/Buffer body is sent with Content-Length; an iterable of chunks is sent chunked (no Content-Length). */
  body?: string | Buffer | Iterable<Buffer> | AsyncIterable<Buffer>;
}

/** A started server and helpers bound to it. */
export interface Harness {
  mcp: Mcp;
  server: NodeServer;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Errors the core reported through onError. */
  errors: unknown[];
  raw(method: string, options?: RawOptions): Promise<RawResponse>;
  /** POST a JSON-RPC body (object or text) with the valid headers, plus `headers`. */
  post(body: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  /** initialize + notifications/initialized; returns the session id. */
  session(protocolVersion?: string): Promise<string>;
  /** Headers of a valid in-session POST. */
  sessionHeaders(sid: string, protocolVersion?: string): Record<string, string>;
  /**
   * The server still serves: `tools/list` on a live session answers 200 JSON with the everything tools, and stats show
   * no connection, request or client request left behind.
   * @param sid A live session to use; default: a fresh one.
   */
  expectHealthy(sid?: string, protocolVersion?: string): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls until `check` stops throwing, or rethrows its last failure after `ms`.
 * @param check Assertions.
 * @param ms Deadline.
 */
export async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(20);
    }
  }
}

/**
 * Starts `createEverything(options)` on a free loopback port.
 * @param options createMcp overrides.
 * @param setup Registers extra tools before serving.
 * @returns The harness.
 */
export async function startHarness(options: Partial<McpOptions> = {}, setup?: (mcp: Mcp) => void): Promise<Harness> {
  const errors: unknown[] = [];
  const mcp = createEverything({ onError: (e) => errors.push(e), ...options });
  setup?.(mcp);
  const server = await serve({ fetch: mcp.handle, port: 0, hostname: '127.0.0.1', onError: (e) => errors.push(e) });
  const origin = server.url;
  const agent = new Agent({ keepAliveTimeout: 1000 });

  const raw = async (method: string, o: RawOptions = {}): Promise<RawResponse> => {
    let body: string | Buffer | Readable | undefined;
    if (typeof o.body === 'string' || Buffer.isBuffer(o.body) || o.body === undefined) body = o.body;
    else body = Readable.from(o.body as Iterable<Buffer>, { objectMode: false });
    const r = await request(origin + (o.path ?? '/mcp'), {
      method: method as 'POST',
      headers: o.headers ?? {},
      body,
      dispatcher: agent,
    });
    const text = await r.body.text();
    const ct = r.headers['content-type'];
    return {
      status: r.statusCode,
      headers: r.headers,
      text,
      contentType: Array.isArray(ct) ? ct[0] : ct,
      json: () => JSON.parse(text),
    };
  };

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    raw('POST', { headers: { ...POST_HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  const sessionHeaders = (sid: string, protocolVersion = '2025-11-25'): Record<string, string> => {
    const h: Record<string, string> = { 'mcp-session-id': sid };
    // 2025-03-26 clients never send the header (PVH-04).
    if (protocolVersion >= '2025-06-18') h['mcp-protocol-version'] = protocolVersion;
    return h;
  };

  const session = async (protocolVersion = '2025-11-25'): Promise<string> => {
    const init = await post(initBody(protocolVersion));
    expect(init.status).toBe(200);
    expect(init.json().result.protocolVersion).toBe(protocolVersion);
    const sid = init.headers['mcp-session-id'];
    expect(typeof sid).toBe('string');
    const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders(sid as string, protocolVersion));
    expect(ack.status).toBe(202);
    return sid as string;
  };

  const expectHealthy = async (sid?: string, protocolVersion = '2025-11-25') => {
    const id = sid ?? (await session(protocolVersion));
    const r = await post({ jsonrpc: '2.0', id: 'health', method: 'tools/list' }, sessionHeaders(id, protocolVersion));
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const msg = r.json();
    expect(msg.id).toBe('health');
    expect(msg.result.tools.map((t: { name: string }) => t.name)).toContain('test_simple_text');
    // Nothing left behind: every response above is complete, so nothing may still be open or running.
    await eventually(() => {
      const s = mcp.stats();
      expect({ connections: s.connections, inflight: s.inflight, pendingClientRequests: s.pendingClientRequests }).toEqual({
        connections: 0,
        inflight: 0,
        pendingClientRequests: 0,
      });
      // Only the expiry sweeper may run (while sessions live); keep-alive timers belong to open connections only.
      expect(s.timers).toBe(s.sessions > 0 ? 1 : 0);
    }, 2000);
    expect(errors).toEqual([]);
  };

  return {
    mcp,
    server,
    origin,
    errors,
    raw,
    post,
    session,
    sessionHeaders,
    expectHealthy,
    close: async () => {
      await mcp.close();
      await agent.close();
      await server.close();
    },
  };
}

/**
 * Checks an HTTP error whose body is a JSON-RPC error.
 * @param r The response.
 * @param status HTTP status.
 * @param code JSON-RPC error code.
 * @param message What the message must name.
 * @returns The parsed JSON-RPC message.
 */
export function expectJsonRpcError(r: RawResponse, status: number, code: number, message: RegExp): any {
  expect(r.status).toBe(status);
  expect(r.contentType).toBe('application/json');
  const msg = r.json();
  expect(msg.jsonrpc).toBe('2.0');
  expect(msg).not.toHaveProperty('result');
  expect(msg.error.code).toBe(code);
  expect(msg.error.message).toMatch(message);
  return msg;
}
