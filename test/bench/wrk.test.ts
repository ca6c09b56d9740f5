// bench/wrk.mjs drives W1 with wrk (issue #7's generator): the Lua script it writes must send the request bytes
// unchanged, its reading of wrk's report must count every failure, and its ratios must pair runtimes as report.mjs does.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the private bench package, without type declarations
import { luaScript, luaString, parseWrk, wrkMarkdown } from '../../bench/wrk.mjs';
// @ts-expect-error: as above
import { summarise } from '../../bench/run.mjs';

/** The body of a Lua long-bracket literal, read the way Lua reads it: up to the first matching closing bracket. */
function readLong(literal: string): { body: string; rest: string } {
  const open = /^\[(=*)\[/.exec(literal);
  if (!open) throw new Error(`not a long string: ${literal}`);
  const close = `]${open[1]}]`;
  let start = open[0].length;
  if (literal[start] === '\n') start++; // Lua drops a newline right after the opening bracket
  const end = literal.indexOf(close, start);
  return { body: literal.slice(start, end), rest: literal.slice(end + close.length) };
}

describe('bench wrk: the Lua script', () => {
  it('quotes any text so that Lua reads it back unchanged (closing brackets inside or at the end)', () => {
    for (const text of ['{"jsonrpc":"2.0","id":2}', '[1]', 'a]]b', ']=', 'x]=]y', 'q]', ']==]', '\nstarts with a newline', '']) {
      const literal = luaString(text);
      expect(readLong(literal)).toEqual({ body: text, rest: '' });
    }
  });

  it('sends the given body and headers, formatted once, and stops at the request cap', () => {
    const script: string = luaScript({
      body: '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}',
      headers: { 'content-type': 'application/json', 'mcp-session-id': 'abc' },
      cap: 1000,
    });
    expect(script).toContain('wrk.method = "POST"');
    expect(script).toContain('wrk.body = [[{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}]]');
    // A space keeps `[ [[` from being read as the start of a long string.
    expect(script).toContain('wrk.headers[ [[mcp-session-id]] ] = [[abc]]');
    expect(script).toContain('local cap = 1000');
    expect(script).toContain('if sent > cap then wrk.thread:stop() end');
    expect(script).toContain('init = function(args) req = wrk.format() end');
  });
});

const REPORT = `Running 10s test @ http://127.0.0.1:4100/mcp
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.36ms    1.02ms  40.12ms   93.10%
    Req/Sec    21.09k     1.51k   23.44k    71.00%
  Latency Distribution
     50%  607.00us
     75%    1.20ms
     90%    2.10ms
     99%    3.33ms
  210869 requests in 10.00s, 52.30MB read
Requests/sec:  21086.93
Transfer/sec:      5.23MB
`;

describe('bench wrk: reading the report', () => {
  it('takes the request count, duration, rate and p50/p99 in ms', () => {
    expect(parseWrk(REPORT)).toEqual({ requests: 210_869, seconds: 10, rps: 21_086.93, p50: 0.607, p99: 3.33, non2xx: 0, socketErrors: 0 });
  });

  it('counts non-2xx answers and every kind of socket error', () => {
    const failing = REPORT.replace(
      'Requests/sec',
      '  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 92390\nRequests/sec',
    );
    const r = parseWrk(failing);
    expect(r.non2xx).toBe(92_390);
    expect(r.socketErrors).toBe(10);
  });

  it('reads latencies in seconds and a run measured in minutes', () => {
    const r = parseWrk(REPORT.replace('3.33ms', '1.50s').replace('in 10.00s', 'in 1.00m'));
    expect(r.p99).toBe(1500);
    expect(r.seconds).toBe(60);
  });

  it('refuses output without a summary (wrk failed to run)', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:4100 Connection refused')).toThrow(/no summary/);
  });
});

describe('bench wrk: the table', () => {
  const run = (rps: number) => ({ rps, p50: 1, p99: 2 });
  const rows = [
    summarise({ name: 'bare', label: 'bare node:http', runs: { w1_32: [run(50_000)], w1s_32: [run(50_000)] } }),
    summarise({ name: 'ours-node', label: '@x/mcp (node-http)', runs: { w1_32: [run(20_000), run(22_000), run(21_000)], w1s_32: [run(25_000)] } }),
    summarise({ name: 'sdk2', label: 'official SDK v2', runs: { w1_32: [run(2_000)], w1s_32: [run(1_000)] } }),
    summarise({ name: 'bare-node24', label: 'bare node:http on Node 24', runs: { w1_32: [run(40_000)], w1s_32: [run(40_000)] } }),
    summarise({ name: 'ours-node24', label: '@x/mcp (node-http, Node 24)', runs: { w1_32: [run(20_000)], w1s_32: [run(20_000)] } }),
    summarise({ name: 'sdk2-node24', label: 'official SDK v2 on Node 24', runs: { w1_32: [run(4_000)], w1s_32: [run(2_000)] } }),
  ];

  it('keeps the median of each cell', () => {
    expect(rows[1].w1_32).toBe(21_000);
    expect(rows[1].w1_256).toBeUndefined();
  });

  it('divides each row by bare node:http and the SDK v2 of its own runtime', () => {
    const md: string = wrkMarkdown({ date: 'd', seconds: 10, repeat: 3, pinning: 'p' }, rows);
    expect(md).toContain('| @x/mcp (node-http) | 0.50× / 25.00× | n/a / n/a | 0.42× / 10.50× | n/a / n/a |');
    expect(md).toContain('| @x/mcp (node-http, Node 24) | 0.50× / 10.00× | n/a / n/a | 0.50× / 5.00× | n/a / n/a |');
    expect(md).toContain('median of 3 runs per cell');
  });
});
