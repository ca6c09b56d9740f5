/**
 * The one fetch handler every adapter serves in the shared suite. `/mcp` is the everything server;
 * `/adapter/*` are raw handlers that exercise the bridge itself (streaming, abort, errors,
 * backpressure, bodies) and count what they see, readable over HTTP at `/adapter/stats`, so the
 * suite can check a Bun or Deno child process the same way as an in-process Node server.
 * Runs unchanged on Node, Bun and Deno: web-standard APIs only.
 */
import { createMcp, createStatelessMcp } from '@x/mcp-core';
import type { FetchHandler, Mcp, Registration, RequestContext } from '@x/mcp-core';
import * as v from 'valibot';
import { createEverything } from '../../../examples/everything/everything.ts';

/** Every path the fixture serves (Koa mounts the middleware once per path). */
export const FIXTURE_PATHS = [
  '/mcp',
  '/sse',
  '/messages',
  '/adapter/stats',
  '/adapter/echo',
  '/adapter/sse',
  '/adapter/stepped-sse',
  '/adapter/release',
  '/adapter/wait',
  '/adapter/slow',
  '/adapter/throw',
  '/adapter/flood',
  '/adapter/cookies',
  '/adapter/ephemeral/mcp',
  '/adapter/ephemeral/close',
  '/adapter/stateless/mcp',
] as const;

/** The core's body limit in the fixture: small, so the 413 case stays fast. */
export const FIXTURE_MAX_BODY_BYTES = 1024 * 1024;
/** SSE keep-alive period of the fixture's MCP server. */
export const FIXTURE_KEEPALIVE_MS = 300;

/** Hard limits, so that nothing in the fixture can run away if a test (or an adapter) misbehaves. */
const MAX_STREAM_MS = 120_000;
const MAX_WAIT_MS = 60_000;
const MAX_FLOOD_BYTES = 1024 * 1024 * 1024;
const MAX_TAGS = 1000;
const MAX_ADDED_TOOLS = 100;
/** Names `adapter_add_tool` may register (so that it can never replace one of the everything server's tools). */
const ADDED_TOOL_PREFIX = 'adapter_added_';

/** What one `adapter_hold` call (named by its `tag` argument) went through. */
export interface HoldRecord {
  started: number;
  /** Its ctx.signal aborted. */
  aborted: number;
  /** The abort reason, as text. */
  reason: string | null;
  /** Progress notifications it sent. */
  progress: number;
  /** The handler returned (its timer and abort listener are gone). */
  finished: number;
}

export interface FixtureCounters {
  echo: { requests: number; aborts: number };
  sse: { started: number; open: number; cancelled: number; completed: number; abortsAfterCompletion: number };
  stepped: { open: number; cancelled: number };
  wait: { started: number; aborted: number; timers: number; noSignal: number };
  flood: { started: number; open: number; produced: number; cancelled: number };
  /** `adapter_hold` calls by tag. */
  hold: Record<string, HoldRecord>;
}

const encoder = new TextEncoder();
const json = (value: unknown, status = 200): Response =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const int = (url: URL, name: string, fallback: number): number => {
  const n = Number(url.searchParams.get(name));
  return Number.isFinite(n) && url.searchParams.has(name) ? n : fallback;
};

/** The server behind `/adapter/ephemeral/mcp`: `/adapter/ephemeral/close` closes it (ending its listen streams the orderly way) and starts a fresh one. */
const createEphemeral = (): Mcp =>
  createMcp({ name: 'adapter-ephemeral', version: '0.0.0', endpoint: '/adapter/ephemeral/mcp', legacySse: false, keepAliveMs: FIXTURE_KEEPALIVE_MS, onError: () => {} });

/**
 * The server behind `/adapter/stateless/mcp`: `createStatelessMcp`, 2026-07-28 alone with no sessions (DUAL-08), and
 * no optional feature (so its schema is raw JSON Schema). `echo` answers as JSON; `count_to_three` reports three progress notifications first (SSE with a progressToken).
 */
const createModernOnly = (): Mcp => {
  const mcp = createStatelessMcp({ name: 'adapter-stateless', version: '0.0.0', endpoint: '/adapter/stateless/mcp', keepAliveMs: FIXTURE_KEEPALIVE_MS, onError: () => {} });
  const text = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } as const;
  mcp.tool('echo', { description: 'Echoes its text', inputSchema: text }, ({ text }) => ({ content: [{ type: 'text', text: String(text) }] }));
  mcp.tool('count_to_three', { description: 'Three progress notifications, then a result' }, async (_args, ctx) => {
    for (let i = 1; i <= 3; i++) {
      ctx.progress(i, 3);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { content: [{ type: 'text', text: 'three' }] };
  });
  return mcp;
};

export function createFixture(): { handle: FetchHandler; counters: FixtureCounters; close(): Promise<void> } {
  const mcp = createEverything({ maxBodyBytes: FIXTURE_MAX_BODY_BYTES, keepAliveMs: FIXTURE_KEEPALIVE_MS, onError: () => {} });
  let ephemeral = createEphemeral();
  const modernOnly = createModernOnly();
  // For cancellation through the adapter: runs until the client cancels (at most 5 s).
  mcp.tool('adapter_wait_for_cancel', { description: 'Waits until the request is cancelled' }, (_args, ctx) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ content: [{ type: 'text', text: 'not cancelled' }] }), 5000);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve({ content: [{ type: 'text', text: 'cancelled' }] });
      }, { once: true });
    }),
  );
  // MH-05 through the adapter: holds until its ctx.signal aborts (at most `ms`), recording what it saw under `tag`.
  // Looking at ctx.signal is what makes the core watch the connection. With `progress`, it first sends one
  // progress notification (the request's progressToken turns the answer into SSE).
  mcp.tool(
    'adapter_hold',
    {
      description: 'Holds until the client goes away (ctx.signal aborts) or `ms` pass; optionally sends one progress notification first',
      // `padding` is ignored: it only makes the request as large as a real call with sizeable arguments.
      inputSchema: v.object({ tag: v.string(), progress: v.optional(v.boolean()), ms: v.optional(v.number()), padding: v.optional(v.string()) }),
    },
    ({ tag, progress, ms }, ctx) => {
      const record = holdRecord(tag);
      record.started++;
      const signal = ctx.signal;
      if (progress === true && !signal.aborted) {
        ctx.progress(1, 2, 'holding');
        record.progress++;
      }
      return new Promise((resolve) => {
        const done = (text: string): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          record.finished++;
          resolve({ content: [{ type: 'text', text }] });
        };
        const onAbort = (): void => {
          record.aborted++;
          record.reason = String(signal.reason);
          done('aborted');
        };
        const timer = setTimeout(() => done('held to the end'), Math.min(ms ?? 30_000, MAX_WAIT_MS));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  );
  // SUB-04 through the adapter: registering (or removing) a tool publishes tools/list_changed to the listen streams.
  const added = new Map<string, Registration>();
  mcp.tool(
    'adapter_add_tool',
    {
      description: `Registers a tool named ${ADDED_TOOL_PREFIX}<suffix> (or removes it with remove: true)`,
      inputSchema: v.object({ suffix: v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,40}$/)), remove: v.optional(v.boolean()) }),
    },
    ({ suffix, remove }) => {
      const name = ADDED_TOOL_PREFIX + suffix;
      if (remove === true) {
        added.get(name)?.remove();
        added.delete(name);
        return { content: [{ type: 'text', text: `removed ${name}` }] };
      }
      if (added.has(name)) return { content: [{ type: 'text', text: `${name} already exists` }], isError: true };
      if (added.size >= MAX_ADDED_TOOLS) return { content: [{ type: 'text', text: 'too many added tools' }], isError: true };
      added.set(name, mcp.tool(name, { description: 'Added at run time by adapter_add_tool' }, () => ({ content: [{ type: 'text', text: name }] })));
      return { content: [{ type: 'text', text: `added ${name}` }] };
    },
  );
  const counters: FixtureCounters = {
    echo: { requests: 0, aborts: 0 },
    sse: { started: 0, open: 0, cancelled: 0, completed: 0, abortsAfterCompletion: 0 },
    stepped: { open: 0, cancelled: 0 },
    wait: { started: 0, aborted: 0, timers: 0, noSignal: 0 },
    flood: { started: 0, open: 0, produced: 0, cancelled: 0 },
    hold: {},
  };
  function holdRecord(tag: string): HoldRecord {
    let record = counters.hold[tag];
    if (record === undefined) {
      const tags = Object.keys(counters.hold);
      if (tags.length >= MAX_TAGS) delete counters.hold[tags[0]!];
      record = counters.hold[tag] = { started: 0, aborted: 0, reason: null, progress: 0, finished: 0 };
    }
    return record;
  }
  /** Stepped SSE streams waiting for `/adapter/release?id=`. */
  const gates = new Map<string, (end: boolean) => void>();

  /** An SSE producer on a timer: `count` events (0: until cancelled) every `interval` ms. */
  function intervalSse(url: URL, context?: RequestContext): Response {
    const interval = Math.max(1, int(url, 'interval', 50));
    const count = int(url, 'count', 0);
    let timer: ReturnType<typeof setInterval> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let sent = 0;
    let completed = false;
    const stop = (): void => {
      if (timer === undefined) return;
      clearInterval(timer);
      clearTimeout(deadline);
      timer = undefined;
      counters.sse.open--;
    };
    context?.signal?.addEventListener('abort', () => void (completed && counters.sse.abortsAfterCompletion++));
    counters.sse.started++;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        counters.sse.open++;
        const finish = (): void => {
          stop();
          completed = true;
          counters.sse.completed++;
          controller.close();
        };
        timer = setInterval(() => {
          controller.enqueue(encoder.encode(`id: ${++sent}\ndata: tick ${sent}\n\n`));
          if (count > 0 && sent >= count) finish();
        }, interval);
        deadline = setTimeout(finish, MAX_STREAM_MS);
      },
      cancel() {
        counters.sse.cancelled++;
        stop();
      },
    });
    return new Response(body, { headers: sseHeaders });
  }

  /** An SSE stream that sends nothing until the client releases each event: proves event-by-event delivery. */
  function steppedSse(url: URL): Response {
    const id = url.searchParams.get('id') ?? '';
    let n = 0;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      if (!gates.delete(id)) return;
      clearTimeout(deadline);
      counters.stepped.open--;
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        counters.stepped.open++;
        gates.set(id, (end) => {
          if (!end) return controller.enqueue(encoder.encode(`data: step ${++n}\n\n`));
          done();
          controller.close();
        });
        deadline = setTimeout(() => gates.get(id)?.(true), MAX_STREAM_MS);
      },
      cancel() {
        counters.stepped.cancelled++;
        done();
      },
    });
    return new Response(body, { headers: sseHeaders });
  }

  /** A long call: waits on `context.signal` (at most `ms`), records the abort and clears its timer. */
  function wait(url: URL, context?: RequestContext): Promise<Response> {
    const ms = Math.min(int(url, 'ms', 30_000), MAX_WAIT_MS);
    const signal = context?.signal;
    counters.wait.started++;
    if (!signal) counters.wait.noSignal++;
    return new Promise((resolve) => {
      counters.wait.timers++;
      const timer = setTimeout(() => {
        counters.wait.timers--;
        signal?.removeEventListener('abort', onAbort);
        resolve(json({ waited: ms }));
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        counters.wait.timers--;
        counters.wait.aborted++;
        resolve(json({ aborted: true }));
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A pull-based SSE producer: one `size`-byte event per pull, so the bytes produced show the backpressure. */
  function flood(url: URL): Response {
    const size = Math.max(1024, int(url, 'size', 64 * 1024));
    const event = encoder.encode(`data: ${'x'.repeat(size - 8)}\n\n`);
    let produced = 0;
    let open = true;
    const close = (): void => {
      if (open) counters.flood.open--;
      open = false;
    };
    counters.flood.started++;
    counters.flood.open++;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= MAX_FLOOD_BYTES) {
          close();
          return controller.close();
        }
        controller.enqueue(event.slice());
        produced += event.byteLength;
        counters.flood.produced += event.byteLength;
      },
      cancel() {
        counters.flood.cancelled++;
        close();
      },
    });
    return new Response(body, { headers: sseHeaders });
  }

  async function echo(request: Request, url: URL, context?: RequestContext): Promise<Response> {
    counters.echo.requests++;
    context?.signal?.addEventListener('abort', () => counters.echo.aborts++);
    const bytes = new Uint8Array(await request.arrayBuffer());
    let sum = 0;
    for (const b of bytes) sum = (sum + b) % 65521;
    return json({
      method: request.method,
      path: url.pathname,
      bytes: bytes.byteLength,
      sum,
      remoteAddress: context?.remoteAddress ?? null,
      authInfo: context?.authInfo ?? null,
      parsedBody: context?.parsedBody ?? null,
      signal: context?.signal !== undefined,
    });
  }

  const handle: FetchHandler = async (request, context) => {
    const url = new URL(request.url);
    switch (url.pathname) {
      case '/mcp':
      case '/sse':
      case '/messages':
        return mcp.handle(request, context);
      case '/adapter/stats':
        return json({ ...counters, mcp: mcp.stats(), ephemeral: ephemeral.stats(), stateless: modernOnly.stats() });
      case '/adapter/stateless/mcp':
        return modernOnly.handle(request, context);
      case '/adapter/ephemeral/mcp':
        return ephemeral.handle(request, context);
      case '/adapter/ephemeral/close': {
        const closing = ephemeral;
        ephemeral = createEphemeral();
        await closing.close();
        return json({ closed: true });
      }
      case '/adapter/echo':
        return echo(request, url, context);
      case '/adapter/sse':
        return intervalSse(url, context);
      case '/adapter/stepped-sse':
        return steppedSse(url);
      case '/adapter/release': {
        const gate = gates.get(url.searchParams.get('id') ?? '');
        gate?.(url.searchParams.has('end'));
        return json({ released: gate !== undefined });
      }
      case '/adapter/wait':
        return wait(url, context);
      case '/adapter/slow': {
        const ms = Math.min(int(url, 'ms', 1000), MAX_WAIT_MS);
        await new Promise((resolve) => setTimeout(resolve, ms));
        return json({ slept: ms });
      }
      case '/adapter/throw':
        if (url.searchParams.has('sync')) throw new Error('fixture: thrown on purpose');
        await Promise.resolve();
        throw new Error('fixture: rejected on purpose');
      case '/adapter/flood':
        return flood(url);
      case '/adapter/cookies': {
        const headers = new Headers({ 'content-type': 'text/plain' });
        headers.append('set-cookie', 'a=1; Path=/');
        headers.append('set-cookie', 'b=2; Path=/');
        return new Response('two cookies', { headers });
      }
      default:
        return json({ error: `no fixture route ${url.pathname}` }, 404);
    }
  };

  return { handle, counters, close: async () => void (await Promise.all([mcp.close(), ephemeral.close(), modernOnly.close()])) };
}
