import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { start } from './helpers';

const INTERNAL = { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } };

describe('handler failures', () => {
  it('a handler throw answers 500 with the -32603 JSON and the server keeps serving', async () => {
    const errors: unknown[] = [];
    const { url } = await start(
      (req) => {
        if (req.url.endsWith('/boom')) throw new Error('sync boom');
        return Promise.resolve(new Response('fine'));
      },
      { onError: (e) => errors.push(e) },
    );
    const res = await request(`${url}/boom`, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('application/json');
    expect(await res.body.json()).toEqual(INTERNAL);
    expect((errors[0] as Error).message).toBe('sync boom');
    expect(await (await request(url)).body.text()).toBe('fine');
  });

  it('an async rejection likewise, and never leaks an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const errors: unknown[] = [];
      const { url } = await start(
        async (req) => {
          await new Promise((r) => setTimeout(r, 5));
          if (req.url.endsWith('/boom')) throw new Error('async boom');
          return new Response('fine');
        },
        { onError: (e) => errors.push(e) },
      );
      const res = await request(`${url}/boom`);
      expect(res.statusCode).toBe(500);
      expect(await res.body.json()).toEqual(INTERNAL);
      expect((errors[0] as Error).message).toBe('async boom');
      expect(await (await request(url)).body.text()).toBe('fine');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a throwing onError does not take the server down', async () => {
    const { url } = await start(
      async () => {
        throw new Error('boom');
      },
      {
        onError: () => {
          throw new Error('reporter broke');
        },
      },
    );
    expect((await request(url)).statusCode).toBe(500);
    expect((await request(url)).statusCode).toBe(500);
  });

  it('a handler that returns something that is not a Response answers 500', async () => {
    const { url } = await start(async () => undefined as unknown as Response);
    const res = await request(url);
    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toEqual(INTERNAL);
  });
});
