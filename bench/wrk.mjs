#!/usr/bin/env node
// W1 with wrk as the load generator: a cross-check of bench/run.mjs's undici generator, which on this machine is
// the limit for the fastest servers (bare node:http among them), so their req/s there understate the server.
//
//   node bench/wrk.mjs                               W1 on both paths at 32 and 256 connections, every target
//   node bench/wrk.mjs --only bare,ours-node,sdk2 --repeat 3 --seconds 10 --out /tmp/w.json
//
// Needs wrk on PATH (Debian: `apt-get install wrk`). Same targets, servers, pinning (server on CPU 0, wrk on CPU 1)
// and idle wait as run.mjs; wrk runs with one thread (`-t1`), as the issue's anchors were measured. Each cell sends
// the very request load.mjs sends (`fixedRequest`: for W1 on a session, one session is opened first), checked once
// with undici before the run; during the run wrk checks only the status: any non-2xx answer or socket error fails
// the cell. Every run is bounded by its duration (`-d`), by a request cap in the Lua script, and by a kill timer.
// Results (medians of --repeat runs) go to bench/results-wrk.json (or --out), and a Markdown table to stdout.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixedRequest, MAX_REQUESTS } from './load.mjs';
import { int, ms, ratio, refRow } from './report.mjs';
import { check, idle, inRounds, pinned, selectTargets, summarise, TARGETS, withServer } from './run.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The first line `wrk --version` prints (`wrk 4.1.0 [epoll] ...`), or undefined when there is no wrk on PATH. */
export function wrkVersion() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const line = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0].trim();
  return r.error === undefined && /^wrk /.test(line) ? line : undefined;
}

/** `text` as a Lua long-bracket string literal whose closing bracket it cannot contain. */
export function luaString(text) {
  let eq = '';
  // The first closing bracket must be the one appended: none inside, and none formed by a trailing `]` or `]=`.
  while (`${text}]${eq}]`.indexOf(`]${eq}]`) !== text.length) eq += '=';
  // A newline right after the opening bracket would be dropped by Lua: keep one in front when the text starts with one.
  return `[${eq}[${text.startsWith('\n') ? '\n' : ''}${text}]${eq}]`;
}

/**
 * The Lua script that makes wrk send one fixed POST: the request is formatted once, and the thread stops sending
 * once `cap` requests went out.
 * @param {{ body: string, headers: Record<string, string>, cap?: number }} request
 */
export function luaScript({ body, headers, cap = MAX_REQUESTS }) {
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(body)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(String(value))}`);
  lines.push(
    `local cap = ${Math.floor(cap)}`,
    'local sent = 0',
    'local req',
    'init = function(args) req = wrk.format() end',
    'request = function()',
    '  sent = sent + 1',
    '  if sent > cap then wrk.thread:stop() end',
    '  return req',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

const TIME_UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const toMs = (value, unit) => Number(value) * TIME_UNITS[unit];

/**
 * Reads wrk's report (run with `--latency` and the script above).
 * @param {string} out wrk's stdout.
 * @returns {{ requests: number, seconds: number, rps: number, p50: number, p99: number, non2xx: number, socketErrors: number }}
 */
export function parseWrk(out) {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!done || !rps) throw new Error(`wrk printed no summary: ${out.slice(0, 300)}`);
  const pct = (p) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(out);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    requests: Number(done[1]),
    seconds: toMs(done[2], done[3]) / 1000,
    rps: Number(rps[1]),
    p50: pct(50),
    p99: pct(99),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
  };
}

/**
 * One W1 run with wrk, pinned to CPU 1; the result has load.mjs's shape ({ ok, errors, firstError, rps, p50, p99 }).
 * @param {{ url: string, workload: 'bare' | 'w1' | 'w1s', connections: number, seconds: number }} opts
 */
export async function wrkLoad({ url, workload, connections, seconds }) {
  let request;
  try {
    request = await fixedRequest(url, workload);
  } catch (e) {
    return { workload, connections, ok: 0, errors: 1, firstError: `before the run: ${e?.message ?? e}` };
  }
  const dir = mkdtempSync(join(tmpdir(), 'x-mcp-wrk-'));
  try {
    const script = join(dir, 'request.lua');
    writeFileSync(script, luaScript(request));
    const [cmd, args] = pinned(1, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', '-s', script, url]);
    const { code, out, err } = await new Promise((resolve) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000 + 30_000);
      child.once('error', (e) => (err += String(e)));
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
    if (code !== 0) return { workload, connections, ok: 0, errors: 1, firstError: `wrk exited with ${code}: ${err.slice(0, 300)}` };
    const w = parseWrk(out);
    // The script stops sending at the cap; a run that got there stopped early, so its rate would be wrong.
    const capReached = w.requests >= MAX_REQUESTS - connections;
    const errors = w.non2xx + w.socketErrors + (capReached ? 1 : 0);
    const firstError =
      errors === 0
        ? undefined
        : `${w.non2xx} non-2xx answers, ${w.socketErrors} socket errors${capReached ? `, the cap of ${MAX_REQUESTS} requests reached` : ''}`;
    return { workload, connections, ok: w.requests - w.non2xx, errors, firstError, seconds: w.seconds, rps: w.rps, p50: w.p50, p99: w.p99, rate: w.rps, generator: 'wrk' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** W1 of one target in one round, both paths where it offers the 2026-07-28 one, the runs pushed onto `runs`. */
async function round(name, t, runs, seconds) {
  const push = (k, v) => (runs[k] ??= []).push(v);
  const cell = async (url, port, workload, c, key) => {
    await idle(port, t.bare);
    push(key, check(await wrkLoad({ url, workload, connections: c, seconds }), `${name} ${key} (wrk)`));
  };
  await withServer(t.start, t.bare, async (url, s) => {
    for (const c of [32, 256]) {
      await cell(url, s.port, t.bare ? 'bare' : 'w1', c, `w1_${c}`);
      if (t.bare) (runs[`w1s_${c}`] ??= []).push(runs[`w1_${c}`].at(-1));
      else if (t.stateless2026 && !t.stateless) await cell(url, s.port, 'w1s', c, `w1s_${c}`);
    }
  });
  if (!t.bare && t.stateless2026 && t.stateless) {
    await withServer(t.stateless, false, async (url, s) => {
      for (const c of [32, 256]) await cell(url, s.port, 'w1s', c, `w1s_${c}`);
    });
  }
}

const KEYS = ['w1s_32', 'w1s_256', 'w1_32', 'w1_256'];
const HEADS = ['W1 2026 stateless @32', 'W1 2026 stateless @256', 'W1 2025 session @32', 'W1 2025 session @256'];

/** The Markdown tables: req/s (p50/p99 ms), then each cell ÷ bare node:http and ÷ the SDK v2 of the same runtime. */
export function wrkMarkdown(meta, rows) {
  const lines = [
    `Date: ${meta.date}  `,
    `Load: wrk, one thread, ${meta.seconds} s per run, ${meta.repeat === 1 ? 'single run per cell' : `median of ${meta.repeat} runs per cell`}; ${meta.pinning}.`,
    '',
    `| target | ${HEADS.join(' | ')} |`,
    `|---|${HEADS.map(() => '---:').join('|')}|`,
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.label} | ${HEADS.map(() => `failed: ${r.error}`).join(' | ')} |`);
      continue;
    }
    lines.push(`| ${r.label} | ${KEYS.map((k) => (r[k] === undefined ? 'n/a' : `${int(r[k])} (${ms(r[`${k}_p50`])}/${ms(r[`${k}_p99`])})`)).join(' | ')} |`);
  }
  lines.push('', 'Ratios: req/s ÷ bare node:http, then ÷ the official SDK v2, of the same runtime and run (Node 24 rows: the Node 24 ones).', '');
  lines.push(`| target | ${HEADS.join(' | ')} |`, `|---|${HEADS.map(() => '---:').join('|')}|`);
  for (const r of rows) {
    if (r.error || r.name.startsWith('bare')) continue;
    const bare = refRow(rows, r, 'bare');
    const sdk2 = refRow(rows, r, 'sdk2');
    lines.push(`| ${r.label} | ${KEYS.map((k) => `${ratio(r[k], bare?.[k])} / ${ratio(r[k], sdk2?.[k])}`).join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const opt = (k, d) => {
    const i = argv.indexOf(k);
    return i === -1 ? d : argv[i + 1];
  };
  const version = wrkVersion();
  if (version === undefined) {
    console.error('wrk is not installed (Debian: apt-get install wrk); nothing measured');
    process.exit(2);
  }
  const seconds = Number(opt('--seconds', 10));
  const repeat = Number(opt('--repeat', 1));
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 60 || !Number.isInteger(repeat) || repeat < 1 || repeat > 9) {
    throw new Error('--seconds takes a whole number from 1 to 60, --repeat one from 1 to 9');
  }
  const log = (m) => console.error(`[wrk] ${m}`);
  const names = selectTargets(opt('--only', ''), log);
  const state = await inRounds(names, repeat, (res) => round(res.name, TARGETS[res.name], res.runs, seconds), log);
  const rows = state.map((s) => (s.error === undefined ? summarise(s) : { name: s.name, label: s.label, error: s.error }));
  const meta = {
    date: new Date().toISOString(),
    generator: `${version}, -t1`,
    pinning: pinned(1, 'wrk', [])[0] === 'taskset' ? 'servers on CPU 0, wrk on CPU 1 (taskset)' : 'no pinning',
    seconds,
    repeat,
  };
  writeFileSync(opt('--out', join(HERE, 'results-wrk.json')), `${JSON.stringify({ meta, results: rows }, null, 2)}\n`);
  console.log(wrkMarkdown(meta, rows));
  if (rows.some((r) => r.error)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
