import { once } from 'node:events';
import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { bodyParser } from '@koa/bodyparser';
import { mcpMiddleware } from '@x/mcp-koa';
import Koa from 'koa';
import compress from 'koa-compress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PATHS, createFixture } from '../src/fixture.ts';
import { deadline, defineAdapterSuite, type AdapterTarget } from '../src/suite.ts';

/** A Koa app with compression in front (threshold 0: it would compress anything it sees), the fixture mounted at its paths. */
async function startKoa(setup: (app: Koa) => void = () => {}): Promise<AdapterTarget & { app: Koa }> {
  const fixture = createFixture();
  const app = new Koa();
  app.silent = true;
  app.use(compress({ threshold: 0 }));
  setup(app);
  app.use(mcpMiddleware(fixture, { path: FIXTURE_PATHS }));
  app.use((ctx) => {
    ctx.body = 'fell through to the next middleware';
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await fixture.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

defineAdapterSuite({ name: `koa (Node ${process.versions.node})`, start: () => startKoa() });

describe('koa specifics', () => {
  let target: Awaited<ReturnType<typeof startKoa>>;
  beforeAll(async () => {
    target = await startKoa((app) => {
      // What koa-mount does: strip a prefix from the path before the mounted middleware runs.
      app.use(async (ctx, next) => {
        if (ctx.path.startsWith('/api/')) ctx.path = ctx.path.slice('/api'.length);
        await next();
      });
      app.use(bodyParser());
      app.use(async (ctx, next) => {
        if (ctx.get('authorization') === 'Bearer good') ctx.state.auth = { subject: 'alice', scopes: ['notes:read'] };
        await next();
      });
    });
  });
  afterAll(() => target?.stop());

  const raw = (path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(`${target.url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.once('error', reject).setTimeout(5000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });

  it('lets JSON answers flow through Koa: compression applies', async () => {
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'koa-test', version: '0' } },
    });
    const res = await raw('/mcp', { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'accept-encoding': 'gzip' }, init);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['mcp-session-id']).toBeTruthy();
    expect(JSON.parse(gunzipSync(res.body).toString())).toMatchObject({ id: 1, result: { serverInfo: { name: 'x-mcp-everything' } } });
  });

  it('streams SSE past compression, event by event', async () => {
    const id = 'koa-gzip';
    const req = httpRequest(`${target.url}/adapter/stepped-sse?id=${id}`, { headers: { 'accept-encoding': 'gzip' }, agent: false });
    try {
      const res = await deadline(
        new Promise<import('node:http').IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject).end()),
        3000,
        'SSE head',
      );
      expect(res.headers['content-encoding']).toBeUndefined();
      res.setEncoding('utf8');
      await fetch(`${target.url}/adapter/release?id=${id}`, { signal: AbortSignal.timeout(5000) });
      const [first] = (await deadline(once(res, 'data'), 3000, 'first SSE event')) as [string];
      expect(first).toBe('data: step 1\n\n');
    } finally {
      req.destroy();
    }
  });

  it('hands the parsed body and ctx.state.auth to the handler', async () => {
    const res = await raw('/adapter/echo', { 'content-type': 'application/json', authorization: 'Bearer good' }, JSON.stringify({ hello: 'koa' }));
    expect(JSON.parse(res.body.toString())).toMatchObject({
      parsedBody: { hello: 'koa' },
      authInfo: { subject: 'alice', scopes: ['notes:read'] },
    });
    // The core reads the parsed body too (the stream is already drained by the body parser).
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'k', version: '0' } } });
    const mcp = await raw('/mcp', { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, init);
    expect(mcp.status).toBe(200);
    expect(JSON.parse(mcp.body.toString())).toMatchObject({ id: 1, result: { protocolVersion: '2025-11-25' } });
  });

  it('passes a stripped mount prefix on as mountPath (the HTTP+SSE endpoint event keeps it)', async () => {
    const req = httpRequest(`${target.url}/api/sse`, { headers: { accept: 'text/event-stream' }, agent: false });
    try {
      const res = await deadline(
        new Promise<import('node:http').IncomingMessage>((resolve, reject) => req.once('response', resolve).once('error', reject).end()),
        3000,
        'GET /api/sse head',
      );
      expect(res.statusCode).toBe(200);
      res.setEncoding('utf8');
      let text = '';
      while (!text.includes('\n\n')) text += ((await deadline(once(res, 'data'), 3000, 'endpoint event')) as [string])[0];
      expect(text).toMatch(/^event: endpoint\ndata: \/api\/messages\?sessionId=/);
    } finally {
      req.destroy();
    }
  });

  it('passes other paths to the next middleware', async () => {
    const res = await raw('/elsewhere');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('fell through to the next middleware');
  });
});

describe('koa: the body handed to the core without a promise (bodyTextNow)', () => {
  /** A Koa app whose handler records what its context offered and what reading the request then gave. */
  async function recordingApp(withParser: boolean) {
    const seen: { now: string | undefined; parsed: unknown; offered: string; read: string }[] = [];
    const app = new Koa();
    app.silent = true;
    if (withParser) app.use(bodyParser());
    app.use(
      mcpMiddleware(async (request, ctx) => {
        const now = ctx?.bodyTextNow?.();
        const read = await request.text().then(
          (t) => `text: ${t}`,
          (e: Error) => `rejected: ${e.message}`,
        );
        seen.push({ now, parsed: ctx?.parsedBody, offered: typeof ctx?.bodyTextNow, read });
        return new Response(null, { status: 204 });
      }),
    );
    const server: Server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    return { seen, url, stop: () => new Promise((resolve) => server.close(resolve)) };
  }
  const send = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) }).then((r) => r.status);

  it('without a body parser, the buffered body is handed over whole (the request body is then used)', async () => {
    const app = await recordingApp(false);
    try {
      expect(await send(app.url, '{"a":"é"}')).toBe(204);
      expect(app.seen).toEqual([{ now: '{"a":"é"}', parsed: undefined, offered: 'function', read: 'rejected: Body is unusable' }]);
    } finally {
      await app.stop();
    }
  });

  it('after a body parser, the parsed body is passed and bodyTextNow is not offered', async () => {
    const app = await recordingApp(true);
    try {
      expect(await send(app.url, '{"a":"é"}')).toBe(204);
      expect(app.seen).toHaveLength(1);
      expect(app.seen[0]).toMatchObject({ now: undefined, parsed: { a: 'é' }, offered: 'undefined' });
    } finally {
      await app.stop();
    }
  });
});
