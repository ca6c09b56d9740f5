#!/usr/bin/env node
// Instructions per request, counted by valgrind (callgrind): a measure that shared, noisy machines do not disturb.
//
//   node bench/instructions.mjs                      bare, floor and ours on W1 and W3 (about 8 minutes)
//   node bench/instructions.mjs --workloads w1,w1s,w3 --servers ours
//
// Each server runs under `valgrind --tool=callgrind` (user-space instructions only: the kernel's share of a send or
// a read is not counted) with `node --single-threaded`, so that V8 compiles and collects on the main thread and the
// count repeats within about 1 %. It is driven twice, with LOW and HIGH units over 8 connections (8,000 and 20,000
// requests; 2,000 and 8,000 sessions for W3, see UNITS); (count at HIGH - count at LOW) / (HIGH - LOW) is the cost of
// one more request once the code is compiled, start-up and warm-up cancelled out. Needs valgrind (Debian: apt install valgrind); exits 2 without it. Not part of CI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './load.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * Units (requests; sessions for W3) of the two counts. V8 keeps compiling for the first few thousand requests (a
 * count from 2,000 to 8,000 W1 calls was about a quarter TurboFan's work), so a per-request workload starts at
 * 8,000; a W3 session is four requests, so 2,000 of them are already past the warm-up.
 */
const UNITS = { w3: [2_000, 8_000] };
const DEFAULT_UNITS = [8_000, 20_000];
const PORT = 3_990;
const READY_MS = 120_000;

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1].split(',');
};
const servers = arg('servers', ['bare', 'floor', 'ours']);
const workloads = arg('workloads', ['w1', 'w3']);

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('valgrind is not installed (Debian: apt install valgrind)');
  process.exit(2);
}

/** Total instructions of one server process that answered `units` units of `workload`. */
async function count(server, workload, units) {
  const dir = mkdtempSync(join(tmpdir(), 'x-mcp-ir-'));
  // SIGINT ends the server through process.exit, so that callgrind writes its totals.
  const main = `process.on('SIGINT', () => process.exit(0)); await import(${JSON.stringify(join(HERE, 'servers', `${server}.mjs`))});`;
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'out')}`, '--dump-instr=no', '--collect-jumps=no', process.execPath, '--single-threaded', '--input-type=module', '-e', main],
    { env: { ...process.env, PORT: String(PORT) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${server} did not start under valgrind`)), READY_MS);
      child.stdout.on('data', (d) => {
        if (String(d).includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`${server} exited (${code}) before it was ready`)));
    });
    const r = await run({ url: `http://127.0.0.1:${PORT}/mcp`, workload, connections: 8, seconds: 600, maxRequests: units });
    if (r.ok !== units || r.errors > 0) throw new Error(`${server} ${workload}: ${r.ok} ok, ${r.errors} errors (${r.firstError})`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
    const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const total = /^(?:summary|totals):\s*(\d+)/m.exec(text);
    if (!total) throw new Error(`${server}: no callgrind totals`);
    return Number(total[1]);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const workload of workloads) {
  for (const server of servers) {
    const [LOW, HIGH] = UNITS[workload] ?? DEFAULT_UNITS;
    const low = await count(server, workload, LOW);
    const high = await count(server, workload, HIGH);
    const per = Math.round((high - low) / (HIGH - LOW));
    rows.push({ server, workload, per });
    console.error(`[instructions] ${server} ${workload}: ${per.toLocaleString('en-US')} per ${workload === 'w3' ? 'session' : 'request'}`);
  }
}
console.log('| server | workload | instructions per unit | × bare |');
console.log('|---|---|---|---|');
for (const r of rows) {
  const bare = rows.find((b) => b.server === 'bare' && b.workload === r.workload);
  console.log(`| ${r.server} | ${r.workload}${r.workload === 'w3' ? ' (per session)' : ' (per request)'} | ${r.per.toLocaleString('en-US')} | ${bare ? (r.per / bare.per).toFixed(2) : ''} |`);
}
