import { get, type IncomingMessage } from 'node:http';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '@x/mcp-core';
import { encoder, sleep, start, until } from './helpers';

const SSE = { 'content-type': 'text/event-stream' };

function openStream(port: number, path = '/'): Promise<{ res: IncomingMessage; first: string; destroy: () => void }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path }, (res) => {
      res.once('data', (chunk: Buffer) => resolve({ res, first: chunk.toString(), destroy: () => req.destroy() }));
    });
    req.on('error', reject);
  });
}

describe('disconnect signal', () => {
  it('client disconnect mid-stream aborts context.signal and runs the stream cancel() (producer interval cleared)', async () => {
    let signal: AbortSignal | undefined;
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    let ticksAfterCancel = 0;
    const { port } = await start(async (_req, ctx) => {
      signal = ctx?.signal;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(encoder.encode('data: hello\n\n'));
          timer = setInterval(() => {
            if (cancelled) ticksAfterCancel++;
            c.enqueue(encoder.encode(': ping\n\n'));
          }, 20);
        },
        cancel() {
          clearInterval(timer);
          cancelled = true;
        },
      });
      return new Response(body, { headers: SSE });
    });
    const { first, destroy } = await openStream(port);
    expect(first).toBe('data: hello\n\n');
    expect(signal?.aborted).toBe(false);
    destroy();
    expect(await until(() => cancelled && signal?.aborted === true)).toBe(true);
    expect(signal?.reason).toBe('client disconnected');
    await sleep(100);
    expect(ticksAfterCancel).toBe(0);
    clearInterval(timer);
  });

  it('the request signal is the same disconnect signal', async () => {
    let same = false;
    const { port } = await start(async (req, ctx) => {
      same = req.signal === ctx?.signal;
      return new Response(new ReadableStream({ start: (c) => c.enqueue(encoder.encode('x')) }), { headers: SSE });
    });
    const { destroy } = await openStream(port);
    destroy();
    expect(same).toBe(true);
  });

  it('a signal first read after the client left starts aborted', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    let aborted: boolean | undefined;
    const { port } = await start(async (_req, ctx) => {
      await gate;
      aborted = ctx?.signal?.aborted;
      return new Response('late');
    });
    const req = get({ host: '127.0.0.1', port, path: '/' });
    req.on('error', () => {});
    await sleep(100);
    req.destroy();
    await sleep(100);
    release();
    expect(await until(() => aborted !== undefined)).toBe(true);
    expect(aborted).toBe(true);
  });

  it('no abort on normal completion (GET, POST, finished SSE, connection closed afterwards)', async () => {
    const signals: AbortSignal[] = [];
    const { url, port } = await start(async (req, ctx: RequestContext | undefined) => {
      signals.push(ctx!.signal!);
      if (req.method === 'POST') return Response.json({ echo: await req.json() });
      if (req.url.endsWith('/sse')) {
        const body = new ReadableStream<Uint8Array>({
          async start(c) {
            c.enqueue(encoder.encode('data: a\n\n'));
            await sleep(20);
            c.enqueue(encoder.encode('data: b\n\n'));
            c.close();
          },
        });
        return new Response(body, { headers: SSE });
      }
      return Response.json({ ok: true });
    });
    await (await request(url)).body.json();
    await (await request(url, { method: 'POST', body: '{"x":1}' })).body.json();
    await (await request(`${url}/sse`)).body.text();
    // Connection: close after the response: the socket closes, the signal must stay quiet.
    await new Promise<void>((resolve) =>
      get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (res) => res.resume().on('end', resolve)),
    );
    await sleep(100);
    expect(signals).toHaveLength(4);
    expect(signals.map((s) => s.aborted)).toEqual([false, false, false, false]);
  });

  it('toWebRequest without a response still aborts when the client leaves mid-upload', async () => {
    const { createServer } = await import('node:http');
    const { toWebRequest } = await import('@x/mcp-node-http');
    let signal: AbortSignal | undefined;
    let readError: unknown;
    const server = createServer((req) => {
      const request = toWebRequest(req);
      signal = request.signal;
      request.text().catch((e: unknown) => (readError = e));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const req = (await import('node:http')).request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': '1000' } });
      req.on('error', () => {});
      req.write('partial');
      expect(await until(() => signal !== undefined)).toBe(true);
      expect(signal!.aborted).toBe(false);
      req.destroy();
      expect(await until(() => signal!.aborted && readError !== undefined)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
