/**
 * The stateless exchange's hand-over: a JSON answer is settled at once, a stream that is still open only through
 * the promise (regression guard for W2, as Exchange's; see exchange.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { StatelessExchange } from './stateless-exchange';

const settings = { keepAliveMs: 0, maxBufferedBytes: 1 << 20, counters: { streams: 0 } };

describe('StatelessExchange hand-over', () => {
  it('an open stream is handed over through the promise, never as settled (regression: W2 pumped a live stream)', async () => {
    const ex = new StatelessExchange(settings, true, true, () => {});
    expect(ex.related('{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":1}}')).toBe(true);
    expect(ex.settled).toBeUndefined();
    const handed = ex.response;
    ex.reply('{"jsonrpc":"2.0","id":1,"result":{}}');
    expect(ex.settled).toBeDefined();
    const text = await (await handed).text();
    expect(text.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(2);
    expect(settings.counters.streams).toBe(0);
  });

  it('a JSON answer is settled at once, with its status', () => {
    const ex = new StatelessExchange(settings, true, true, () => {});
    ex.reply('{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"x"}}', { status: 400 });
    expect(ex.settled?.status).toBe(400);
    expect(ex.settled?.headers.get('content-type')).toBe('application/json');
  });
});
