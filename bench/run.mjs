#!/usr/bin/env node
// Starts each server, drives it over loopback with load.mjs (undici), prints one Markdown table.
//
//   node bench/run.mjs                 full run (W1..W5 + bundle sizes), results in bench/results.json
//   node bench/run.mjs --repeat 3      median of 3 runs per cell (W1..W3; W4/W5 too), in 3 rounds over the targets
//   node bench/run.mjs --seconds 5     duration of each W1/W2/W3 run (default 10)
//   node bench/run.mjs --only ours-node,sdk   a subset of targets
//   node bench/run.mjs --write         also writes bench/RESULTS.md and bench/chart.svg
//   node bench/run.mjs --out FILE      the results JSON goes to FILE instead of bench/results.json (for trial runs)
//   node bench/run.mjs --smoke         every target (each of its instances) answers: a 2 s W1 run, then 1 s runs of
//                                      W1 2026, W3 and W2 where the target is measured on them; exit 1 on failure
//
// Servers run under `taskset -c 0`, the load generator under `taskset -c 1`, when taskset exists and there are
// at least 2 CPUs. Every load run is bounded in time and request count; between runs the server is given time to go idle.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { markdown, targetsMarkdown, writeResults } from './report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
// The real binaries, not the npm .bin wrappers (a shell script, and a Node script for Deno): cold start and RSS are the runtime's.
const BUN = join(ROOT, 'tools/bun/node_modules/bun/bin/bun.exe');
const DENO = join(ROOT, 'tools/deno/node_modules/deno/deno');
const NODE24 = join(ROOT, 'tools/node24/node_modules/node/bin/node');
const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && cpus().length >= 2;
const READY_MS = 30_000;
/** Sessions opened and closed (W3 churn) before W4's baseline is taken. */
const W4_WARMUP = 5_000;

const node = (file, env = {}) => ({ cmd: process.execPath, args: [join(HERE, 'servers', file)], env });
/** Each target: how to start it, and which workloads apply. */
export const TARGETS = {
  bare: { label: 'bare node:http (fixed JSON-RPC answer)', start: node('bare.mjs'), bare: true },
  'ours-node': { label: '@x/mcp (node-http)', start: node('ours.mjs'), stateless2026: true },
  'ours-bun': { label: '@x/mcp (Bun)', start: { cmd: BUN, args: [join(HERE, 'servers/ours.mjs')] }, available: () => existsSync(BUN), stateless2026: true },
  'ours-deno': {
    label: '@x/mcp (Deno)',
    start: { cmd: DENO, args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', join(HERE, 'servers/ours.mjs')] },
    available: () => existsSync(DENO),
    stateless2026: true,
  },
  // The official SDK v2 in three documented wirings (see servers/sdk2.mjs): 2025 sessions (isLegacyRequest in front of
  // a sessionful transport and a strict createMcpHandler) for W1 2025, W3, W4, W5; the same over SSE for W2; plain
  // createMcpHandler for the 2026-07-28 path.
  sdk2: {
    label: 'official SDK v2 (@modelcontextprotocol/server 2.4.0)',
    start: node('sdk2.mjs'),
    sse: node('sdk2.mjs', { SDK2_SSE: '1' }),
    stateless: node('sdk2.mjs', { SDK2_MODE: 'handler' }),
    stateless2026: true,
  },
  sdk: { label: 'official SDK v1 (@modelcontextprotocol/sdk 1.32.2)', start: node('sdk.mjs'), sse: node('sdk.mjs', { SDK_SSE: '1' }) },
  tmcp: { label: 'tmcp + @tmcp/transport-http', start: node('tmcp.mjs'), stateless2026: true },
  'mcp-lite': { label: 'mcp-lite', start: node('mcp-lite.mjs') },
};

/** The same instance, started by the Node 24 binary of tools/node24 instead of the Node running this script. */
const startOnNode24 = (start) => start && { ...start, cmd: NODE24 };
// Node 24 rows: bare node:http, ours and the SDK v2 again, each the same files on Node 24, so that ours on Node 24 is
// compared with the limit and the SDK on that runtime (report.mjs pairs a `*-node24` row with `bare-node24` and
// `sdk2-node24`). Skipped when tools/node24 is not installed.
for (const [base, name, label] of [
  ['bare', 'bare-node24', 'bare node:http on Node 24'],
  ['ours-node', 'ours-node24', '@x/mcp (node-http, Node 24)'],
  ['sdk2', 'sdk2-node24', 'official SDK v2 on Node 24 (same packages)'],
]) {
  const t = TARGETS[base];
  TARGETS[name] = {
    ...t,
    label,
    start: startOnNode24(t.start),
    sse: startOnNode24(t.sse),
    stateless: startOnNode24(t.stateless),
    available: () => existsSync(NODE24),
  };
}

// One-tool servers for the bundle sizes (esbuild --bundle --minify, platform node, then gzip -9).
const BUNDLES = {
  bare: `import { createServer } from 'node:http';
const b = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }] } });
createServer((q, s) => { q.resume(); q.on('end', () => s.writeHead(200, { 'content-type': 'application/json' }).end(b)); }).listen(3000);`,
  // The size-conscious way: createLeanMcp with no optional feature (both eras and sessions stay; see docs/lean.md).
  'ours-node': `import { createLeanMcp } from '@x/mcp-core'; import { serve } from '@x/mcp-node-http';
const mcp = createLeanMcp({ name: 'b', version: '0' });
mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
await serve({ fetch: mcp.handle, port: 3000 });`,
  // The same server with createStatelessMcp: protocol 2026-07-28 only, no 2025 sessions (docs/lean.md).
  'ours-node-stateless': `import { createStatelessMcp } from '@x/mcp-core'; import { serve } from '@x/mcp-node-http';
const mcp = createStatelessMcp({ name: 'b', version: '0' });
mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
await serve({ fetch: mcp.handle, port: 3000 });`,
  // The same server with createMcp: every feature (tasks, listen, HTTP+SSE, URI templates, valibot conversion).
  'ours-node-full': `import { createMcp } from '@x/mcp-core'; import { serve } from '@x/mcp-node-http';
const mcp = createMcp({ name: 'b', version: '0' });
mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
await serve({ fetch: mcp.handle, port: 3000 });`,
  sdk: `import { createServer } from 'node:http'; import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'; import * as z from 'zod';
const s = new McpServer({ name: 'b', version: '0' });
s.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID() }); await s.connect(t);
createServer((q, r) => t.handleRequest(q, r)).listen(3000);`,
  sdk2: `import { createServer } from 'node:http'; import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server'; import * as z from 'zod';
const h = createMcpHandler(() => { const s = new McpServer({ name: 'b', version: '0' });
s.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: 'text', text }] })); return s; });
createServer(toNodeHandler(h)).listen(3000);`,
  tmcp: `import { createServer } from 'node:http'; import { createRequestListener } from '@remix-run/node-fetch-server';
import { ZodJsonSchemaAdapter } from '@tmcp/adapter-zod'; import { HttpTransport } from '@tmcp/transport-http'; import { McpServer } from 'tmcp'; import * as z from 'zod';
const s = new McpServer({ name: 'b', version: '0', description: 'b' }, { adapter: new ZodJsonSchemaAdapter(), capabilities: { tools: {} } });
s.tool({ name: 'echo', description: 'e', schema: z.object({ text: z.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
const t = new HttpTransport(s, { path: '/mcp' });
createServer(createRequestListener(async (q) => (await t.respond(q)) ?? new Response(null, { status: 404 }))).listen(3000);`,
  'mcp-lite': `import { createServer } from 'node:http'; import { createRequestListener } from '@remix-run/node-fetch-server';
import { InMemorySessionAdapter, McpServer, StreamableHttpTransport } from 'mcp-lite'; import * as z from 'zod';
const m = new McpServer({ name: 'b', version: '0', schemaAdapter: (x) => z.toJSONSchema(x) });
m.tool('echo', { inputSchema: z.object({ text: z.string() }), handler: ({ text }) => ({ content: [{ type: 'text', text }] }) });
const h = new StreamableHttpTransport({ sessionAdapter: new InMemorySessionAdapter({ maxEventBufferSize: 1024 }) }).bind(m);
createServer(createRequestListener(h)).listen(3000);`,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (m) => console.error(`[bench] ${m}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `[cmd, args]` run on CPU `cpu` under taskset, when pinning is possible. */
export const pinned = (cpu, cmd, args) => (HAS_TASKSET ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);

/** Spawns a server and waits until it answers a tools/call (or, for bare, a POST). Returns { child, port, coldMs }. */
export async function startServer(start, isBare) {
  const port = await freePort();
  const [cmd, args] = pinned(0, start.cmd, start.args);
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: HERE, env: { ...process.env, ...start.env, PORT: String(port), NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const { firstCall } = await import('./probe.mjs');
  while (performance.now() - t0 < READY_MS) {
    if (exited) throw new Error(`server exited early: ${stderr}`);
    const answeredAt = await firstCall(`http://127.0.0.1:${port}/mcp`, isBare);
    if (answeredAt) return { child, port, coldMs: answeredAt - t0 };
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready in ${READY_MS} ms: ${stderr}`);
}

/** Stops a server started by startServer: SIGTERM, then SIGKILL after 3 s. */
export async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await done;
  clearTimeout(t);
}

/** One load run in its own process (pinned to CPU 1). */
function load(opts) {
  const [cmd, args] = pinned(1, process.execPath, [join(HERE, 'load.mjs'), JSON.stringify(opts)]);
  const limit = (opts.seconds ?? 5) * 1000 + 60_000;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: HERE, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const t = setTimeout(() => child.kill('SIGKILL'), limit);
    child.once('exit', () => {
      clearTimeout(t);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ ok: 0, errors: 1, firstError: `load generator output: ${out.slice(0, 200)}` });
      }
    });
  });
}

/** Let the server drain whatever the last run left in flight: wait until a probe answers quickly, twice. */
export async function idle(port, isBare) {
  const { firstCall } = await import('./probe.mjs');
  await sleep(500);
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const ok = await firstCall(`http://127.0.0.1:${port}/mcp`, isBare);
    if (ok && performance.now() - t < 50) break;
    await sleep(100);
  }
}

/** RSS of a process and its descendants (taskset execs; the tree covers any wrapper). */
function rssBytes(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch {}
  }
  let total = 0;
  for (const stack = [pid]; stack.length; ) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {}
    stack.push(...(kids.get(p) ?? []));
  }
  return total;
}
/** The median of the finite numbers of `xs` (the lower middle one of an even count); NaN when there is none. */
export const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : NaN;
};

/** A load run's result when it has answers and no error; otherwise throws, naming the cell. */
export function check(r, what) {
  if (!r || r.errors || !r.ok) throw new Error(`${what}: ${r?.errors ?? '?'} errors, ${r?.ok ?? 0} ok; first: ${r?.firstError}`);
  return r;
}

/** Runs `fn(url, port)` against a fresh instance of `start`, then stops it. */
export async function withServer(start, isBare, fn) {
  const s = await startServer(start, isBare);
  try {
    return await fn(`http://127.0.0.1:${s.port}/mcp`, s);
  } finally {
    await stopServer(s.child);
  }
}

/**
 * One round of one target, its measurements pushed onto `res.runs`. The main instance (`t.start`) serves W1 2025 at
 * 32 and 256 connections, W1 2026 unless the target has a separate `t.stateless` instance for it, W3, and W2 unless
 * it has a separate `t.sse` instance; its start is W5. bare node:http serves W1 (both columns: the same fixed answer)
 * and W2 (its fixed SSE answer). W4 runs on a fresh instance.
 */
async function measureRound(name, t, res, { seconds, sessions }) {
  const push = (k, v) => (res.runs[k] ??= []).push(v);
  const w1s = async (url, port) => {
    for (const c of [32, 256]) {
      await idle(port);
      push(`w1s_${c}`, check(await load({ url, workload: 'w1s', connections: c, seconds }), `${name} W1-2026@${c}`));
    }
  };
  const w2 = async (url, port) => {
    await idle(port, t.bare);
    push('w2', check(await load({ url, workload: 'w2', connections: 32, seconds }), `${name} W2`));
  };
  // W5 is timed on the second start of the round: the first, untimed, brings the runtime's binary and the server's
  // files into the page cache, as the warm-up run of any start-up benchmark does. Without it a runtime measured
  // right after the others (Bun and Deno bring binaries of 90 to 130 MB) starts from disk: 170 to 220 ms instead of
  // about 50.
  await stopServer((await startServer(t.start, t.bare)).child);
  await withServer(t.start, t.bare, async (url, s) => {
    push('w5', s.coldMs);
    for (const c of [32, 256]) {
      await idle(s.port, t.bare);
      const r = check(await load({ url, workload: t.bare ? 'bare' : 'w1', connections: c, seconds }), `${name} W1@${c}`);
      push(`w1_${c}`, r);
      if (t.bare) push(`w1s_${c}`, r);
      else if (t.stateless2026 && !t.stateless) {
        await idle(s.port);
        push(`w1s_${c}`, check(await load({ url, workload: 'w1s', connections: c, seconds }), `${name} W1-2026@${c}`));
      }
    }
    if (!t.bare) {
      await idle(s.port);
      push('w3', check(await load({ url, workload: 'w3', connections: 32, seconds }), `${name} W3`));
    }
    if (!t.sse) await w2(url, s.port);
  });
  if (t.bare) return;
  if (t.stateless2026 && t.stateless) await withServer(t.stateless, false, (url, s) => w1s(url, s.port));
  if (t.sse) await withServer(t.sse, false, (url, s) => w2(url, s.port));
  // W4: a fresh server, warmed up by W4_WARMUP sessions opened and closed (its heap spaces and JIT settle, the
  // same for every target), then RSS before and after `sessions` idle sessions.
  await withServer(t.start, false, async (url, s) => {
    await idle(s.port);
    const warm = await load({ url, workload: 'w3', connections: 32, seconds: 30, maxRequests: W4_WARMUP });
    if (warm.errors) log(`${name} W4 warm-up: ${warm.errors} errors (${warm.firstError})`);
    await idle(s.port);
    await sleep(1000);
    const before = rssBytes(s.child.pid);
    const r = await load({ url, workload: 'w4', connections: 32, seconds: 180, sessions });
    await sleep(2000);
    const after = rssBytes(s.child.pid);
    if (r.ok !== sessions || r.errors) log(`${name} W4: ${r.ok} sessions opened, ${r.errors} errors (${r.firstError})`);
    push('w4', { ok: r.ok, errors: r.errors, firstError: r.firstError, perSession: r.ok ? (after - before) / r.ok : NaN, before, after });
  });
}

export async function bundleSize(name) {
  const src = BUNDLES[name];
  if (!src) return undefined;
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    stdin: { contents: src, resolveDir: HERE, loader: 'js', sourcefile: `${name}.mjs` },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const bytes = out.outputFiles[0].contents;
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** Medians of the repeats: numbers per cell. */
/** The medians of a target's runs, one field per cell (req/s and p50/p99 for W1; absent for cells not run). */
export function summarise(res) {
  const m = (k, f) => (res.runs[k] ? median(res.runs[k].map(f)) : undefined);
  return {
    name: res.name,
    label: res.label,
    n: res.runs.w5?.length ?? 0,
    w1s_32: m('w1s_32', (r) => r.rps), w1s_32_p50: m('w1s_32', (r) => r.p50), w1s_32_p99: m('w1s_32', (r) => r.p99),
    w1s_256: m('w1s_256', (r) => r.rps), w1s_256_p50: m('w1s_256', (r) => r.p50), w1s_256_p99: m('w1s_256', (r) => r.p99),
    w1_32: m('w1_32', (r) => r.rps), w1_32_p50: m('w1_32', (r) => r.p50), w1_32_p99: m('w1_32', (r) => r.p99),
    w1_256: m('w1_256', (r) => r.rps), w1_256_p50: m('w1_256', (r) => r.p50), w1_256_p99: m('w1_256', (r) => r.p99),
    w2: m('w2', (r) => r.rate),
    w3: m('w3', (r) => r.rate),
    w4: m('w4', (r) => r.perSession),
    w4_sessions: m('w4', (r) => r.ok),
    w5: m('w5', (r) => r),
  };
}

/** CI smoke: every instance of every target starts and answers each workload it is measured on, in short runs. */
async function smoke(names) {
  let failed = 0;
  const short = async (url, name, workload, seconds, what) => {
    const r = check(await load({ url, workload, connections: 8, seconds }), `${name} ${what} ${seconds} s`);
    console.log(`ok   ${name}: ${seconds} s ${what} run: ${r.ok} ${workload === 'w3' ? 'sessions' : 'calls'}, 0 errors`);
  };
  for (const name of names) {
    const t = TARGETS[name];
    try {
      await withServer(t.start, t.bare, async (url) => {
        await short(url, name, t.bare ? 'bare' : 'w1', 2, 'W1');
        if (t.stateless2026 && !t.stateless) await short(url, name, 'w1s', 1, 'W1 on the 2026-07-28 path');
        if (!t.bare) await short(url, name, 'w3', 1, 'W3 (session churn)');
        if (!t.sse) await short(url, name, 'w2', 1, 'W2 (SSE progress)');
      });
      if (t.stateless2026 && t.stateless) await withServer(t.stateless, false, (url) => short(url, name, 'w1s', 1, 'W1 on the 2026-07-28 path (stateless instance)'));
      if (t.sse) await withServer(t.sse, false, (url) => short(url, name, 'w2', 1, 'W2 (SSE progress, SSE instance)'));
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
  return failed;
}

/**
 * The targets `only` names (comma-separated; empty for all), without those whose runtime is not installed.
 * Throws on an unknown name.
 */
export function selectTargets(only, log) {
  return (only || Object.keys(TARGETS).join(',')).split(',').filter((n) => {
    if (!TARGETS[n]) throw new Error(`unknown target ${n}; known: ${Object.keys(TARGETS).join(', ')}`);
    const a = TARGETS[n].available?.() ?? true;
    if (!a) log(`${n}: runtime not installed, skipped`);
    return a;
  });
}

/**
 * Runs `measure(res)` for every target `repeat` times, in rounds: every target once, then every target again, and
 * so on. A slow spell of the machine then falls on one round of several targets, which the medians absorb, rather
 * than on all the repeats of one target. A target whose round throws is marked failed (`error`) and left out after.
 * @returns {Promise<{ name: string, label: string, runs: Record<string, unknown[]>, error?: string }[]>}
 */
export async function inRounds(names, repeat, measure, log) {
  const runs = names.map((name) => ({ name, label: TARGETS[name].label, runs: {}, error: undefined }));
  for (let rep = 0; rep < repeat; rep++) {
    for (const res of runs) {
      if (res.error !== undefined) continue;
      log(`${res.name}: start (round ${rep + 1}/${repeat})`);
      try {
        await measure(res);
      } catch (e) {
        log(`${res.name}: FAILED ${e.message}`);
        res.error = e.message;
      }
    }
  }
  return runs;
}

async function main() {
  const argv = process.argv.slice(2);
  const opt = (k, d) => {
    const i = argv.indexOf(k);
    return i === -1 ? d : argv[i + 1];
  };
  const names = selectTargets(opt('--only', ''), log);
  if (!HAS_TASKSET) log('taskset or a second CPU is missing: server and load share CPUs');
  if (argv.includes('--smoke')) {
    const failed = await smoke(names);
    process.exit(failed ? 1 : 0);
  }
  const seconds = Number(opt('--seconds', 10));
  const repeat = Number(opt('--repeat', 1));
  const sessions = Number(opt('--sessions', 10_000));
  const runs = await inRounds(names, repeat, (res) => measureRound(res.name, TARGETS[res.name], res, { seconds, sessions }), log);
  const results = [];
  for (const r of runs) {
    const res = r.error === undefined ? summarise(r) : { name: r.name, label: r.label, error: r.error };
    res.bundle = await bundleSize(r.name.startsWith('ours') ? 'ours-node' : r.name.replace(/-node24$/, '')).catch((e) => ({ error: e.message }));
    if (r.name.startsWith('ours')) {
      res.bundleFull = await bundleSize('ours-node-full').catch((e) => ({ error: e.message }));
      res.bundleStateless = await bundleSize('ours-node-stateless').catch((e) => ({ error: e.message }));
    }
    results.push(res);
  }
  const cpu = cpus();
  const meta = {
    date: new Date().toISOString(),
    machine: `${cpu.length} x ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux, Node ${process.version}`,
    pinning: HAS_TASKSET ? 'servers on CPU 0, load generator on CPU 1 (taskset)' : 'no pinning',
    seconds,
    repeat,
    sessions,
    generator: 'bench/load.mjs (undici Pool.dispatch, keep-alive, one request in flight per connection)',
  };
  writeFileSync(opt('--out', join(HERE, 'results.json')), JSON.stringify({ meta, results }, null, 2) + '\n');
  console.log(`${markdown(meta, results)}\n\n${targetsMarkdown(results, meta)}`);
  if (argv.includes('--write')) {
    await writeResults(HERE, meta, results);
    log('wrote bench/RESULTS.md (its hand-written tail kept) and bench/chart.svg');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main().catch((e) => {
  console.error(e);
  process.exit(1);
});
