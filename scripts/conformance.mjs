#!/usr/bin/env node
// Runs the official MCP conformance suite against an example server (default: examples/everything).
//
//   node scripts/conformance.mjs                       the default runs (RUNS below)
//   node scripts/conformance.mjs '<spec>' ...          the default runs, then these
//   node scripts/conformance.mjs --only '<spec>' ...   only these
//   node scripts/conformance.mjs --example <name> ...  against examples/<name>: everything (default),
//                                                      node-http, bun, deno or koa; everything-stateless
//                                                      is examples/everything on 2026-07-28 alone
//   node scripts/conformance.mjs --list                print the runs and exit
//
// A <spec> is what follows the URL on a run.sh command line, optionally preceded by
// NAME=value environment settings for that run, e.g.
//   'alpha -- --requirements 2026-07-28'
//   'CONF_EXIT=tool alpha -- --suite all --spec-version 2026-07-28'
// One setting is the runner's own: CONF_ALLOW_FAILURES=<regexp> lets checks FAIL only in
// scenarios whose name matches it; the run then passes when run.sh exits 0 (use CONF_EXIT=tool)
// and every failed check in its checks.json belongs to such a scenario. Any other failure,
// scored or not, fails the run.
//
// Builds nothing: the packages must be built (pnpm build) and installed. Starts the
// example with its package.json `start` script (PORT set) on a free 127.0.0.1 port, waits
// until POST /mcp answers (30 s at most), runs every spec in order with
// ../shared/conformance/run.sh (relative to the repo root), prints a summary table and
// exits 1 if any run failed. The server (and any run still going) is stopped at the end,
// on failure and on SIGINT/SIGTERM/SIGHUP. CONF_NODE defaults to tools/node24's Node 24,
// so run.sh does not install its own. Server log and results go to .conformance/.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The default runs, in order. Add a run with one line (args = run.sh arguments after the URL).
// CI runs these against examples/everything; the per-runtime examples get `--only stable` there.
const RUNS = [
  { args: ['stable'] },
  { args: ['alpha', '--', '--requirements', '2025-11-25'] },
  // The stateless 2026-07-28 wire: every scenario that applies to it, pending ones included.
  { args: ['alpha', '--', '--suite', 'all', '--spec-version', '2026-07-28'] },
  // The frozen 2026-07-28 requirement set plus its unscored scenarios (the tasks extension, the
  // header scenarios, json-schema-2020-12): strict, so an unscored failure fails the run too.
  { args: ['alpha', '--', '--requirements', '2026-07-28'] },
  // Every scenario at its inferred wire, the tasks extension included (tasks-status-notifications is
  // always skipped by this suite version).
  { args: ['alpha', '--', '--suite', 'all'] },
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Each example: the built packages it needs (the start script runs against dist/).
const EXAMPLES = {
  everything: ['mcp-core', 'node-http'],
  'node-http': ['mcp-core', 'node-http'],
  bun: ['mcp-core', 'bun'],
  deno: ['mcp-core', 'deno'],
  koa: ['mcp-core', 'node-http', 'koa'],
  'everything-stateless': ['mcp-core', 'node-http'],
};
// Pseudo-examples: another example's folder started with extra environment.
const VARIANTS = { 'everything-stateless': { dir: 'everything', env: { EVERYTHING_STATELESS: '1' } } };
let exampleName = 'everything';
const exampleDir = () => join(ROOT, 'examples', VARIANTS[exampleName]?.dir ?? exampleName);
const RUN_SH = resolve(ROOT, '..', 'shared', 'conformance', 'run.sh');
const SUMMARIZE = resolve(ROOT, '..', 'shared', 'conformance', 'summarize.mjs');
const NODE24 = join(ROOT, 'tools', 'node24', 'node_modules', 'node', 'bin', 'node');
const WORK = join(ROOT, '.conformance');
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

const log = (msg) => console.error(`[conformance] ${msg}`);

// ---------------------------------------------------------------------------------------
// arguments
// ---------------------------------------------------------------------------------------
function parseSpec(spec) {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  const env = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const w = words.shift();
    const eq = w.indexOf('=');
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  if (!words.length) throw new Error(`empty run spec '${spec}'`);
  if (env.CONF_ALLOW_FAILURES !== undefined) allowedFailures({ env }); // a bad pattern fails here, not after the run
  return { args: words, env };
}

/** The scenarios a run may fail in (CONF_ALLOW_FAILURES), or undefined when none may. */
function allowedFailures(run) {
  const pattern = run.env?.CONF_ALLOW_FAILURES;
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new Error(`CONF_ALLOW_FAILURES: ${e.message}`);
  }
}

/**
 * The failed checks of a results folder outside the scenarios `allowed` matches, as "scenario: check, ..."
 * lines (a scenario that crashed counts as failed). Undefined when the folder cannot be summarised.
 */
function failuresOutside(outDir, allowed) {
  const r = spawnSync(process.execPath, [SUMMARIZE, outDir, '--json'], { encoding: 'utf8' });
  let summary;
  try {
    summary = JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
  if (r.status !== 0 || !Array.isArray(summary?.scenarios) || summary.scenarios.length === 0) return undefined;
  return summary.scenarios
    .filter((sc) => sc.fail > 0 && !allowed.test(sc.scenario))
    .map((sc) => `${sc.scenario}: ${[...new Set(sc.failed)].join(', ')}`);
}

const describe = (run) =>
  [...Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v}`), ...run.args].join(' ');

function parseArgv(argv) {
  let only = false;
  let list = false;
  const extra = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') only = true;
    else if (a === '--example' || a.startsWith('--example=')) {
      const name = a === '--example' ? argv[++i] : a.slice('--example='.length);
      if (!Object.hasOwn(EXAMPLES, name ?? '')) {
        console.error(`conformance: unknown example '${name}' (one of: ${Object.keys(EXAMPLES).join(', ')})`);
        process.exit(2);
      }
      exampleName = name;
    }
    else if (a === '--list') list = true;
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 27).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else if (a.startsWith('--') && a !== '--') {
      console.error(`conformance: unknown option ${a} (see --help)`);
      process.exit(2);
    } else extra.push(parseSpec(a));
  }
  if (only && !extra.length) {
    console.error('conformance: --only needs at least one run spec');
    process.exit(2);
  }
  return { runs: only ? extra : [...RUNS, ...extra], list };
}

// ---------------------------------------------------------------------------------------
// processes
// ---------------------------------------------------------------------------------------
/** Pids of all descendants of `pid` (Linux /proc; empty elsewhere). */
function descendants(pid) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(e));
    } catch {
      /* gone */
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Signals a child we spawned with `detached: true`: its process group and every descendant. */
function signalTree(child, signal) {
  if (!child?.pid) return;
  const pids = descendants(child.pid);
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* group gone */
  }
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      /* gone */
    }
  }
}

const exited = (child) => child.exitCode !== null || child.signalCode !== null;

/** SIGTERM, then SIGKILL after a grace period; resolves once the child itself has exited. */
async function stopTree(child) {
  if (!child?.pid) return;
  const rest = descendants(child.pid);
  if (!exited(child)) {
    const done = new Promise((r) => child.once('exit', r));
    signalTree(child, 'SIGTERM');
    const timer = new Promise((r) => setTimeout(r, STOP_GRACE_MS, 'timeout'));
    if ((await Promise.race([done, timer])) === 'timeout') {
      signalTree(child, 'SIGKILL');
      await done;
    }
  }
  // stragglers that were re-parented away from the tree
  for (const p of rest) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

const live = new Set(); // children to stop on exit
let stopping = false;
async function stopAll() {
  // loop: a child may have been spawned while we were stopping the others
  while (live.size) {
    const batch = [...live];
    await Promise.all(batch.map((c) => stopTree(c)));
    for (const c of batch) live.delete(c);
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping the server and any run in progress`);
    await stopAll();
    process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig] ?? 0));
  });
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------
// server
// ---------------------------------------------------------------------------------------
async function startServer(stamp) {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    if (stopping) throw new Error('stopped');
    const logFile = join(WORK, 'logs', `${exampleName}-${stamp}-${port}.log`);
    const fd = openSync(logFile, 'a');
    // The example's own `start` script, as `pnpm start` would run it: its node_modules/.bin and the
    // workspace's first on PATH, and `node` is the Node running this script.
    const start = JSON.parse(readFileSync(join(exampleDir(), 'package.json'), 'utf8')).scripts.start;
    const path = [join(exampleDir(), 'node_modules', '.bin'), join(ROOT, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH].join(delimiter);
    const child = spawn('sh', ['-c', start], {
      cwd: exampleDir(),
      env: { ...process.env, ...VARIANTS[exampleName]?.env, PATH: path, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    live.add(child);
    const failed = new Promise((r) => child.once('error', (e) => r(`could not start '${start}': ${e.message}`)));
    child.once('exit', () => live.delete(child));
    const url = `http://127.0.0.1:${port}/mcp`;
    log(`starting examples/${exampleName} (${start}) on ${url} (pid ${child.pid}, log ${relative(ROOT, logFile)})`);
    const t0 = Date.now();
    let lastError = '';
    while (Date.now() - t0 < READY_TIMEOUT_MS) {
      const err = await Promise.race([failed, sleep(0)]);
      if (err) throw new Error(err);
      if (exited(child)) break;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 'conformance-ready', method: 'ping' }),
          signal: AbortSignal.timeout(2_000),
        });
        await res.body?.cancel().catch(() => {});
        log(`server answered POST /mcp with HTTP ${res.status} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return { child, url, logFile };
      } catch (e) {
        lastError = e.cause?.code ?? e.message;
      }
      await sleep(250);
    }
    const text = tail(logFile);
    await stopTree(child);
    if (/EADDRINUSE/.test(text) && attempt < 3) {
      log(`port ${port} was taken meanwhile; trying another one`);
      continue;
    }
    const why = exited(child)
      ? `the server exited (code ${child.exitCode ?? child.signalCode}) before answering`
      : `POST ${url} did not answer within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError})`;
    throw new Error(`${why}\n--- server log (tail) ---\n${text}`);
  }
  throw new Error('could not find a free port');
}

// ---------------------------------------------------------------------------------------
// one run
// ---------------------------------------------------------------------------------------
function runOne(run, url, outDir, confNode) {
  return new Promise((resolveRun) => {
    if (stopping) return resolveRun({ code: 'not run (stopping)', totals: '' });
    const env = { ...process.env, ...(confNode ? { CONF_NODE: confNode } : {}), ...run.env, CONF_OUT: outDir };
    const child = spawn('bash', [RUN_SH, url, ...run.args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    live.add(child);
    let totals = '';
    let buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) if (l.startsWith('conformance: ')) totals = l.slice('conformance: '.length);
    });
    let finished = false;
    const finish = (code, signal, error) => {
      if (finished) return;
      finished = true;
      live.delete(child);
      if (buf.startsWith('conformance: ')) totals = buf.slice('conformance: '.length);
      // run.sh is done: make sure nothing it started outlives it
      for (const p of descendants(child.pid)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      resolveRun({ code: code ?? (signal ? `signal ${signal}` : 'error'), totals, error });
    };
    child.once('error', (e) => finish(null, null, e.message));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

// ---------------------------------------------------------------------------------------
function table(rows) {
  const head = ['#', 'run', 'result', 'passed', 'failed', 'warnings', 'time', 'results'];
  const body = rows.map((r, i) => [String(i + 1), r.name, r.result, r.p, r.f, r.w, r.time, r.out]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const fmt = (cells) => cells.map((x, c) => x.padEnd(widths[c])).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}

async function main() {
  const { runs, list } = parseArgv(process.argv.slice(2));
  if (list) {
    runs.forEach((r, i) => console.log(`${i + 1}. run.sh <url> ${describe(r)}`));
    return 0;
  }
  if (!existsSync(RUN_SH)) {
    console.error(
      `conformance: the shared conformance harness is missing: ${RUN_SH} does not exist.\n` +
        `It is expected in shared/conformance/ beside the repository (the repo's parent folder must hold shared/).`,
    );
    return 2;
  }
  const missing = EXAMPLES[exampleName].map((p) => `packages/${p}/dist/index.js`).filter((p) => !existsSync(join(ROOT, p)));
  if (missing.length) {
    console.error(`conformance: not built (${missing.join(', ')} missing); run \`pnpm build\` first.`);
    return 2;
  }
  if (!existsSync(join(exampleDir(), 'node_modules'))) {
    console.error(`conformance: examples/${exampleName} is not installed (no node_modules); run \`pnpm install\` first.`);
    return 2;
  }

  let confNode = process.env.CONF_NODE || '';
  if (!confNode && existsSync(NODE24)) {
    const v = spawnSync(NODE24, ['--version'], { encoding: 'utf8' });
    const major = Number(/^v(\d+)/.exec(v.stdout ?? '')?.[1] ?? 0);
    if (major >= 22) confNode = NODE24;
    else log(`ignoring ${relative(ROOT, NODE24)} (${(v.stdout || v.error?.message || '').trim()}); run.sh will pick a Node >= 22 itself`);
  }
  if (confNode) log(`CONF_NODE=${confNode}`);
  else log('tools/node24 not installed; run.sh will install a Node 24 into its own cache');

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  mkdirSync(join(WORK, 'logs'), { recursive: true });
  mkdirSync(join(WORK, 'results'), { recursive: true });

  const rows = [];
  let server;
  try {
    server = await startServer(stamp);
  } catch (e) {
    console.error(`conformance: ${e.message}`);
    await stopAll();
    return 1;
  }
  try {
    for (const [i, run] of runs.entries()) {
      if (stopping) break;
      const name = describe(run);
      const slug = name.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
      const outDir = join(WORK, 'results', `${stamp}-${exampleName}-${i + 1}-${slug}`);
      const row = { name, result: '', p: '-', f: '-', w: '-', time: '-', out: relative(ROOT, outDir) };
      rows.push(row);
      if (exited(server.child)) {
        row.result = 'SKIPPED (server died)';
        continue;
      }
      console.log(`\n===== conformance run ${i + 1}/${runs.length}: run.sh ${server.url} ${name} =====`);
      const t0 = Date.now();
      const r = await runOne(run, server.url, outDir, confNode);
      row.time = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
      const m = /^(\d+) passed, (\d+) failed, (\d+) warnings/.exec(r.totals);
      if (m) [row.p, row.f, row.w] = [m[1], m[2], m[3]];
      row.result = r.code === 0 ? 'PASS' : `FAIL (exit ${r.code}${r.error ? `: ${r.error}` : ''})`;
      const allowed = allowedFailures(run);
      if (allowed !== undefined && r.code === 0) {
        // The tool's own exit status ignores unscored scenarios: judge every failed check here.
        const outside = failuresOutside(outDir, allowed);
        if (outside === undefined) row.result = 'FAIL (results unreadable)';
        else if (outside.length > 0) {
          row.result = `FAIL (${outside.length} scenario(s) failed outside /${allowed.source}/)`;
          console.log(`\nconformance: failures outside /${allowed.source}/:\n  ${outside.join('\n  ')}`);
        } else if (row.f !== '-' && row.f !== '0') row.result = `PASS (failures only in /${allowed.source}/)`;
      }
      if (r.code !== 0 && exited(server.child)) row.result += ', server died';
    }
  } finally {
    const died = exited(server.child);
    await stopAll();
    if (died) {
      console.error(`conformance: the server exited during the runs (code ${server.child.exitCode ?? server.child.signalCode})`);
      console.error(`--- server log (tail) ---\n${tail(server.logFile)}`);
    }
  }

  const failed = rows.filter((r) => !r.result.startsWith('PASS'));
  console.log(`\n===== conformance summary (${server.url}, server log ${relative(ROOT, server.logFile)}) =====`);
  console.log(table(rows));
  console.log(failed.length ? `\nconformance: ${failed.length} of ${rows.length} run(s) FAILED` : `\nconformance: all ${rows.length} run(s) passed`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => {
    if (!stopping) process.exit(code);
  },
  async (e) => {
    console.error(`conformance: ${e?.stack ?? e}`);
    await stopAll();
    process.exit(1);
  },
);
