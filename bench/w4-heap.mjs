// W4 in process: JS heap (and, noisier, RSS) per IDLE 2025 session of @x/mcp, measured through `mcp.handle`.
//
//   pnpm build                                    # the script imports the BUILT @x/mcp-core (packages/mcp-core/dist)
//   node --expose-gc bench/w4-heap.mjs            # prints one JSON line
//   node --expose-gc bench/w4-heap.mjs --write    # also stores it as `w4heap` of target `ours-node` in results.json
//   tools/node24/node_modules/node/bin/node --expose-gc bench/w4-heap.mjs --write --row ours-node24   # the Node 24 row
//   node --expose-gc bench/w4-heap.mjs --sessions 20000 --warmup 500
//   node --expose-gc bench/w4-heap.mjs --slope    # then as many sessions again: growth per session past the first batch
//
// The server is created like bench/servers/ours.mjs (same options, same tools). An idle session is the one W4 opens
// over the network (bench/load.mjs): `initialize` (protocol 2025-06-18, empty capabilities, clientInfo), then
// `notifications/initialized` with the session header, nothing else. After a warm-up (code compiled, lazy module
// state and free lists in place) and a full GC, `--sessions` sessions are opened one after the other, then a full GC
// again. heapPerSession = growth of `heapUsed` / sessions; rssPerSession = growth of RSS / sessions (RSS depends on
// how much garbage the requests made and what the allocator kept, so it varies between runs; heap is the stable
// figure). `mcp.stats().sessions` must equal warm-up + sessions, or the run is void (exit 1).
//
// JSON keys: heapPerSession, rssPerSession (bytes), sessions (opened and measured), live (mcp.stats().sessions),
// heapBefore/heapAfter/rssBefore/rssAfter (bytes), allocPerSession (JS heap bytes allocated per opened session,
// garbage included: the median over the warm-up's last batches of 10 sessions of the heapUsed growth from a full GC,
// with no GC in between; an estimate of the per-initialize garbage that drives RSS), allocRequestsPerSession (the
// same for only building and reading the two `Request`s this script creates per session: the part of
// allocPerSession that is not the server's), node; with --slope also slope: { heapPerSession, rssPerSession } over
// the second batch. RSS includes V8's young generation, which grows by tens of MB under this allocation rate whatever
// the session count: that fixed cost is most of rssPerSession at 10,000 sessions (see slope).
// With --write, results.json's `ours-node` row (or the one `--row` names) gets `w4heap` (= heapPerSession) and
// `w4heap_detail` (the line).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMcp } from '@x/mcp-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const num = (name, dflt) => {
  const i = args.indexOf(name);
  const n = i === -1 ? dflt : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
};
const SESSIONS = num('--sessions', 10_000);
const WARMUP = num('--warmup', 500);
const ROW = args.includes('--row') ? args[args.indexOf('--row') + 1] : 'ours-node';
if (!/^ours-[a-z0-9-]+$/.test(ROW ?? '')) throw new Error('--row needs the name of an @x/mcp row of results.json, such as ours-node24');

if (typeof globalThis.gc !== 'function') {
  console.error('run with: node --expose-gc bench/w4-heap.mjs');
  process.exit(2);
}

// Same server as bench/servers/ours.mjs.
const mcp = createMcp({ name: 'bench-ours', version: '0.0.0', sessions: { maxSessions: 50_000 } });
mcp.tool(
  'echo',
  { description: 'Echoes text', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  ({ text }) => ({ content: [{ type: 'text', text: String(text) }] }),
);
mcp.tool('stream', { description: '10 progress notifications, then a result' }, async (_args, ctx) => {
  for (let i = 1; i <= 10; i++) ctx.progress(i, 10);
  return { content: [{ type: 'text', text: 'done' }] };
});

// The same bytes bench/load.mjs sends for W4.
const PROTOCOL = '2025-06-18';
const URL_ = 'http://127.0.0.1/mcp';
const ACCEPT = 'application/json, text/event-stream';
const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'bench', version: '0.0.0' } } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });

const initRequest = () => new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body: INIT });
const initializedRequest = (sid) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-session-id': sid, 'mcp-protocol-version': PROTOCOL },
    body: INITIALIZED,
  });

async function openSession() {
  const r = await mcp.handle(initRequest());
  const text = await r.text();
  const sid = r.headers.get('mcp-session-id');
  if (r.status !== 200 || !text.includes('"result"') || sid === null) throw new Error(`initialize: HTTP ${r.status} ${text.slice(0, 200)}`);
  const n = await mcp.handle(initializedRequest(sid));
  await n.text();
  if (n.status !== 202 && n.status !== 200) throw new Error(`initialized: HTTP ${n.status}`);
}

const settle = async () => {
  // Let timers and microtasks run (promise reactions of store writes etc.), then collect everything collectable.
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 4; i++) globalThis.gc();
};

/** Median heapUsed growth per call of `fn`, over `batches` batches of 10 calls each started right after a full GC. */
async function allocation(fn, batches) {
  const perCall = [];
  for (let b = 0; b < batches; b++) {
    globalThis.gc();
    const h0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10; i++) await fn();
    perCall.push((process.memoryUsage().heapUsed - h0) / 10);
  }
  perCall.sort((a, b) => a - b);
  return perCall.length === 0 ? null : Math.round(perCall[perCall.length >> 1]);
}
const requestsOnly = async () => {
  await initRequest().text();
  await initializedRequest('0123456789abcdef0123456789abcdef').text();
};

// Warm-up; its last batches also estimate the bytes allocated per session (see allocPerSession above).
const batches = Math.min(20, Math.floor(WARMUP / 20));
for (let i = 0; i < WARMUP - batches * 10; i++) await openSession();
for (let i = 0; i < 100; i++) await requestsOnly();
const allocPerSession = await allocation(openSession, batches);
const allocRequestsPerSession = await allocation(requestsOnly, batches);
await settle();
const before = process.memoryUsage();
for (let i = 0; i < SESSIONS; i++) await openSession();
await settle();
const after = process.memoryUsage();
let slope;
if (flag('--slope')) {
  for (let i = 0; i < SESSIONS; i++) await openSession();
  await settle();
  const end = process.memoryUsage();
  slope = { heapPerSession: Math.round((end.heapUsed - after.heapUsed) / SESSIONS), rssPerSession: Math.round((end.rss - after.rss) / SESSIONS) };
}
const live = mcp.stats().sessions;
await mcp.close();

const line = {
  heapPerSession: Math.round((after.heapUsed - before.heapUsed) / SESSIONS),
  rssPerSession: Math.round((after.rss - before.rss) / SESSIONS),
  sessions: SESSIONS,
  live,
  allocPerSession,
  allocRequestsPerSession,
  heapBefore: before.heapUsed,
  heapAfter: after.heapUsed,
  rssBefore: before.rss,
  rssAfter: after.rss,
  node: process.version,
  ...(slope === undefined ? {} : { slope }),
};
console.log(JSON.stringify(line));
const expected = WARMUP + SESSIONS * (slope === undefined ? 1 : 2);
if (live !== expected) {
  console.error(`expected ${expected} live sessions, mcp.stats().sessions says ${live}`);
  process.exit(1);
}

if (flag('--write')) {
  const file = join(here, 'results.json');
  if (!existsSync(file)) {
    console.error(`${file} does not exist: run bench/run.mjs --write first; nothing written`);
  } else {
    const results = JSON.parse(readFileSync(file, 'utf8'));
    const row = results.results?.find((r) => r.name === ROW);
    if (row === undefined) {
      console.error(`results.json has no ${ROW} row; nothing written`);
    } else {
      row.w4heap = line.heapPerSession;
      row.w4heap_detail = line;
      writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
      console.error(`w4heap = ${line.heapPerSession} B written to ${file} (${ROW})`);
    }
  }
}
