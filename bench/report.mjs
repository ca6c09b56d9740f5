// Renders bench results (bench/results.json) as a Markdown table and an SVG chart of W1 and W4.
const fin = (x) => typeof x === 'number' && Number.isFinite(x);
/** A whole number with thousands separators, or n/a. */
export const int = (x) => (fin(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
/** Milliseconds: two decimals below 10, one above; or n/a. */
export const ms = (x) => (fin(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a');
const kb = (x) => (fin(x) ? `${(x / 1024).toFixed(1)}` : 'n/a');

const COLS = [
  { key: 'w1s_32', head: 'W1 2026 stateless @32: req/s (p50/p99 ms)', lat: true },
  { key: 'w1s_256', head: 'W1 2026 stateless @256: req/s (p50/p99 ms)', lat: true },
  { key: 'w1_32', head: 'W1 2025 session @32: req/s (p50/p99 ms)', lat: true },
  { key: 'w1_256', head: 'W1 2025 session @256: req/s (p50/p99 ms)', lat: true },
  { key: 'w2', head: 'W2 SSE events/s' },
  { key: 'w3', head: 'W3 sessions/s' },
  { key: 'w4', head: 'W4 bytes/idle session', lower: true },
  { key: 'w5', head: 'W5 cold start ms', lower: true, fmt: ms },
  { key: 'gzip', head: 'bundle min / gzip KiB', lower: true },
];

const val = (r, key) => (key === 'gzip' ? r.bundle?.gzip : r[key]);
function cell(r, c) {
  if (r.error) return 'failed';
  if (c.key === 'gzip') return r.bundle?.gzip ? `${kb(r.bundle.min)} / ${kb(r.bundle.gzip)}` : 'n/a';
  const v = r[c.key];
  if (!fin(v)) return 'n/a';
  if (c.lat) return `${int(v)} (${ms(r[`${c.key}_p50`])}/${ms(r[`${c.key}_p99`])})`;
  if (c.key === 'w4' && r.w4_sessions) return `${int(v)}${r.w4_sessions < 10000 ? ` (${int(r.w4_sessions)} sessions)` : ''}`;
  return (c.fmt ?? int)(v);
}
/** `a ÷ b` as `1.23×`, or n/a. */
export const ratio = (a, b) => (fin(a) && fin(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** Rows measured on Node 24 (tools/node24) end in this; run.mjs makes them for bare, ours-node and sdk2. */
const NODE24 = '-node24';
const onNode24 = (r) => r.name.endsWith(NODE24);

/**
 * The row `base` of the same runtime as `row`: for a Node 24 row, `${base}-node24`; otherwise `base` itself (Bun and
 * Deno rows are compared with bare node:http and the SDK v2 on Node, the issue's references).
 */
export function refRow(results, row, base) {
  const name = onNode24(row) ? `${base}${NODE24}` : base;
  return results.find((q) => q.name === name);
}

/**
 * The "official SDK" of the ratios: the SDK v2 row (`sdk2`) when the run has one, else the v1 row (`sdk`).
 * Returns { row, name, text }; `text` names the one used (for headers).
 */
export function officialSdk(results) {
  const v2 = results.find((r) => r.name === 'sdk2');
  if (v2) return { row: v2.error ? undefined : v2, name: 'sdk2', text: `${v2.label}${v2.error ? ' (failed in this run: no ratios)' : ''}` };
  const v1 = results.find((r) => r.name === 'sdk');
  if (v1) return { row: v1.error ? undefined : v1, name: 'sdk', text: `${v1.label} (**no SDK v2 row in this run**, so v1 stands in)` };
  return { row: undefined, name: undefined, text: 'the official SDK (not in this run)' };
}

export function markdown(meta, results) {
  const lines = [];
  lines.push(`Date: ${meta.date}  `);
  lines.push(`Machine: ${meta.machine}  `);
  lines.push(`Pinning: ${meta.pinning}  `);
  lines.push(`Load: ${meta.generator}; ${meta.seconds} s per W1/W2/W3 run; W4 over ${int(meta.sessions)} sessions; ${meta.repeat === 1 ? 'single run per cell' : `median of ${meta.repeat} runs per cell`}.`);
  lines.push('');
  lines.push(`| target | ${COLS.map((c) => c.head).join(' | ')} |`);
  lines.push(`|---|${COLS.map(() => '---:').join('|')}|`);
  for (const r of results) lines.push(`| ${r.label} | ${COLS.map((c) => cell(r, c)).join(' | ')} |`);
  const sdk = officialSdk(results);
  lines.push('');
  lines.push(
    `Ratios, measured in the same run: value ÷ bare node:http, then value ÷ ${sdk.text}.${results.some(onNode24) ? ' Rows on Node 24 are divided by bare node:http and the SDK v2 on Node 24 instead.' : ''} Throughput: higher is better; bytes, ms and KiB: lower is better. W1 ratios use req/s.`,
  );
  lines.push('');
  lines.push(`| target | ${COLS.map((c) => c.head.replace(/: req\/s.*$/, ' req/s')).join(' | ')} |`);
  lines.push(`|---|${COLS.map(() => '---:').join('|')}|`);
  for (const r of results) {
    if (r.name === 'bare' || r.name === `bare${NODE24}` || r.error) continue;
    const b = refRow(results, r, 'bare');
    const sdkRow = onNode24(r) ? refRow(results, r, 'sdk2') : sdk.row;
    lines.push(`| ${r.label} | ${COLS.map((c) => `${ratio(val(r, c.key), b && !b.error && val(b, c.key))} / ${ratio(val(r, c.key), sdkRow && !sdkRow.error && val(sdkRow, c.key))}`).join(' | ')} |`);
  }
  return lines.join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
/** Two horizontal bar charts: W1 2025 req/s at 32 and 256 connections, and W4 bytes per idle session. */
export function chartSvg(results) {
  const W = 860;
  const rows = results.filter((r) => !r.error);
  const barH = 14;
  const left = 340;
  const plotW = W - left - 90;
  let y = 30;
  const parts = [];
  const panel = (title, series) => {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${esc(title)}</text>`);
    y += 12;
    const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => r[s.key]).filter(fin)));
    for (const r of rows) {
      parts.push(`<text x="${left - 8}" y="${y + series.length * barH - 4}" text-anchor="end">${esc(r.label)}</text>`);
      for (const s of series) {
        const v = r[s.key];
        const w = fin(v) ? Math.max(1, (v / max) * plotW) : 0;
        parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${s.color}"/>`);
        parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 4}" font-size="10">${fin(v) ? int(v) : 'n/a'}${s.suffix ?? ''}</text>`);
        y += barH;
      }
      y += 6;
    }
    parts.push(
      series
        .map((s, i) => `<rect x="${left + i * 170}" y="${y}" width="10" height="10" fill="${s.color}"/><text x="${left + i * 170 + 14}" y="${y + 9}" font-size="10">${esc(s.name)}</text>`)
        .join(''),
    );
    y += 36;
  };
  panel('W1: tools/call echo in a 2025 session, JSON answers (req/s, higher is better)', [
    { key: 'w1_32', name: '32 connections', color: '#4e79a7' },
    { key: 'w1_256', name: '256 connections', color: '#f28e2b' },
  ]);
  panel('W4: memory per idle session, RSS delta over 10,000 sessions (bytes, lower is better)', [{ key: 'w4', name: 'bytes per session', color: '#59a14f' }]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}

// ---- Targets of issue #7, judged from the results ----------------------------------------------------------------

const OURS = ['ours-node', 'ours-bun', 'ours-deno', 'ours-node24'];
const W1S = '2026-07-28 stateless';
const W1 = '2025 session';
/**
 * Each target of issue #7. A `ref` target is a ratio to another row of the same run (`min`: the ratio must be at
 * least this; `max`: at most this); otherwise the value itself is bounded by `max` (bytes). `unit` labels the raw values.
 */
const GOALS = [
  { what: `W1 @32, ${W1S}, ÷ bare node:http`, wanted: '≥ 0.6×', key: 'w1s_32', ref: 'bare', min: 0.6, unit: 'req/s' },
  { what: `W1 @32, ${W1}, ÷ bare node:http`, wanted: '≥ 0.6×', key: 'w1_32', ref: 'bare', min: 0.6, unit: 'req/s' },
  { what: `W1 @32, ${W1S}, ÷ official SDK v2`, wanted: '≥ 12×', key: 'w1s_32', ref: 'sdk2', min: 12, unit: 'req/s' },
  { what: `W1 @32, ${W1}, ÷ official SDK v2`, wanted: '≥ 12×', key: 'w1_32', ref: 'sdk2', min: 12, unit: 'req/s' },
  { what: `W1 @32, ${W1S}, ÷ mcp-lite`, wanted: '≥ 3×', key: 'w1s_32', ref: 'mcp-lite', min: 3, unit: 'req/s' },
  { what: `W1 @32, ${W1}, ÷ mcp-lite`, wanted: '≥ 3×', key: 'w1_32', ref: 'mcp-lite', min: 3, unit: 'req/s' },
  { what: `W1 p99 @256, ${W1S}, ÷ bare node:http's p99`, wanted: '≤ 2×', key: 'w1s_256_p99', ref: 'bare', max: 2, unit: 'ms', fmt: ms },
  { what: `W1 p99 @256, ${W1}, ÷ bare node:http's p99`, wanted: '≤ 2×', key: 'w1_256_p99', ref: 'bare', max: 2, unit: 'ms', fmt: ms },
  { what: 'W2 SSE events/s, ÷ bare node:http', wanted: '≥ 0.5×', key: 'w2', ref: 'bare', min: 0.5, unit: 'events/s' },
  { what: 'W3 sessions/s, ÷ official SDK v2', wanted: '≥ 10×', key: 'w3', ref: 'sdk2', min: 10, unit: 'sessions/s' },
  { what: 'W4 RSS per idle session', wanted: '≤ 1 KB (1,024 B)', key: 'w4', max: 1024, unit: 'B' },
  {
    what: 'W4 heap per idle session (bench/w4-heap.mjs, in process)',
    wanted: '≤ 400 B',
    key: 'w4heap',
    max: 400,
    unit: 'B',
    missing: (r) => (r.name === 'ours-node' || onNode24(r) ? 'see w4-heap' : 'n/a: w4-heap measures on Node only'),
  },
  { what: 'W5 cold start, ÷ bare node:http', wanted: '≤ 1.3×', key: 'w5', ref: 'bare', max: 1.3, unit: 'ms', fmt: ms },
  { what: 'one-tool server bundle, min + gzip', wanted: '≤ 15 kB (15,000 B)', key: 'gzip', max: 15_000, unit: 'B' },
];

const goalVal = (r, key) => (key === 'gzip' ? r?.bundle?.gzip : r?.[key]);
/** "by how much": the factor between the wanted bound and the value, ≥ 1. */
const by = (f) => `${f < 1.1 ? f.toFixed(2) : f.toFixed(1)}×`;

/** One target for one of our rows: { measured, verdict }. */
export function judge(goal, r, results) {
  if (r.error) return { measured: 'failed in this run', verdict: 'not measured' };
  const v = goalVal(r, goal.key);
  const fmt = goal.fmt ?? int;
  if (!fin(v)) return { measured: 'n/a', verdict: goal.missing?.(r) ?? 'not measured' };
  let x = v;
  let measured = `${fmt(v)} ${goal.unit}`;
  if (goal.ref) {
    const ref = refRow(results, r, goal.ref);
    if (!ref && onNode24(r)) return { measured, verdict: `n/a: ${goal.ref} was not run on Node 24` };
    if (!ref && goal.ref === 'sdk2') {
      // No SDK v2 in this run: show the ratio to v1 for information, but judge nothing against it.
      const v1 = results.find((q) => q.name === 'sdk');
      const rv1 = goalVal(v1, goal.key);
      const verdict = 'not comparable: no SDK v2 in this run';
      if (v1 && !v1.error && fin(rv1) && rv1 !== 0) return { measured: `${(v / rv1).toFixed(2)}× the SDK **v1** (${fmt(v)} vs ${fmt(rv1)} ${goal.unit})`, verdict };
      return { measured, verdict };
    }
    if (!ref) return { measured, verdict: `n/a: no ${goal.ref} row in this run` };
    if (ref.error) return { measured, verdict: `n/a: ${goal.ref} failed in this run` };
    const rv = goalVal(ref, goal.key);
    if (!fin(rv) || rv === 0) {
      const what = goal.key.startsWith('w1s') ? '2026-07-28 path' : 'value here';
      return { measured, verdict: `n/a: ${goal.ref} has no ${what} (not offered or not measured)` };
    }
    x = v / rv;
    measured = `${x.toFixed(2)}× (${fmt(v)} vs ${fmt(rv)} ${goal.unit})`;
  } else if (goal.key === 'gzip') measured = `${int(v)} B (${kb(v)} KiB)`;
  if (goal.min !== undefined ? x >= goal.min : x <= goal.max) return { measured, verdict: 'met' };
  if (goal.min !== undefined && x <= 0) return { measured, verdict: '**missed** (nothing measured)' };
  return { measured, verdict: `**missed by ${by(goal.min !== undefined ? goal.min / x : x / goal.max)}**` };
}

/**
 * What the same one-tool server weighs with `createMcp` (every feature) and with `createStatelessMcp` (2026-07-28
 * only), when results.json has them.
 */
const fullBundleNote = (ours) => {
  const full = ours.find((r) => r.bundleFull?.gzip)?.bundleFull;
  const modern = ours.find((r) => r.bundleStateless?.gzip)?.bundleStateless;
  return (
    (full ? ` Built with \`createMcp\` (every feature) it is ${kb(full.min)} / ${kb(full.gzip)} KiB.` : '') +
    (modern ? ` Built with \`createStatelessMcp\` (2026-07-28 only, no sessions) it is ${kb(modern.min)} / ${kb(modern.gzip)} KiB.` : '')
  );
};

/** The "Targets of issue #7 against this run" table: one column pair (measured, verdict) per @x/mcp row present. */
export function targetsMarkdown(results, meta) {
  const ours = OURS.map((n) => results.find((r) => r.name === n)).filter(Boolean);
  const lines = [];
  lines.push('## Targets of issue #7 against this run');
  lines.push('');
  if (!ours.length) return [...lines, 'No @x/mcp row in this run.'].join('\n');
  const sdk = officialSdk(results);
  const vsSdk =
    sdk.name === 'sdk2'
      ? `the ${sdk.text} row`
      : `**not judged**: ${sdk.name === 'sdk' ? 'this run has only the SDK v1 (its ratio is shown for information)' : 'this run has no official SDK row'}`;
  lines.push(
    [
      `Generated from the results above by \`bench/report.mjs\`. Ratios are to rows of the same run; "÷ official SDK v2" is ${vsSdk}.`,
      ours.some(onNode24) ? 'The Node 24 column is judged against bare node:http and the SDK v2 on Node 24, measured in the same run.' : '',
      '"missed by N×" is the factor between the wanted bound and the measured value.',
      '1 KB is taken as 1,024 B and 15 kB as 15,000 B (gzip -9 of the esbuild bundle).',
      `The bundle is the node-http one-tool server built with \`createLeanMcp\` (both eras and sessions, no optional feature); the Bun, Deno and Node 24 columns repeat it.${fullBundleNote(ours)}`,
      'Heap per idle session comes from `node --expose-gc bench/w4-heap.mjs --write` (in process; `--row ours-node24` under Node 24), shown when results.json holds it.',
    ]
      .filter(Boolean)
      .join(' '),
  );
  if (meta && meta.repeat !== 3)
    lines.push('', `Issue #7 judges medians of 3 runs; this run has ${meta.repeat === 1 ? 'a single run per cell' : `medians of ${meta.repeat}`}, so these verdicts are provisional.`);
  lines.push('');
  lines.push(`| target | wanted | ${ours.map((r) => `${r.label} | verdict`).join(' | ')} |`);
  lines.push(`|---|---|${ours.map(() => '---|---').join('|')}|`);
  const met = new Map(ours.map((r) => [r.name, [0, 0]]));
  for (const g of GOALS) {
    const cells = ours.map((r) => {
      const j = judge(g, r, results);
      const m = met.get(r.name);
      if (j.verdict === 'met') m[0]++;
      if (j.verdict === 'met' || j.verdict.startsWith('**missed')) m[1]++;
      return `${j.measured} | ${j.verdict}`;
    });
    lines.push(`| ${g.what} | ${g.wanted} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push(`Met, of the targets judged in this run: ${ours.map((r) => `${r.label} ${met.get(r.name)[0]} of ${met.get(r.name)[1]}`).join('; ')}.`);
  return lines.join('\n');
}

const NOTES = `## What each column is

- **W1**: \`tools/call\` of \`echo\` answered as JSON. *2025 session*: one session opened with \`initialize\`
  (protocol 2025-06-18) + \`notifications/initialized\`, then every call carries \`Mcp-Session-Id\`. *2026 stateless*:
  the 2026-07-28 per-request path (no session; \`MCP-Protocol-Version\`, \`Mcp-Method\`, \`Mcp-Name\` headers and the
  \`io.modelcontextprotocol/*\` \`_meta\` keys). @x/mcp, the SDK v2 and tmcp offer it; the SDK v1 and mcp-lite do not
  (n/a). The bare node:http row answers both with the same fixed body (one measurement, shown in both columns).
- **W2**: \`tools/call\` of \`stream\` with a \`progressToken\`: 10 \`notifications/progress\` and the result over one SSE
  response (11 events, each checked); events/s at 32 connections, in a 2025 session. The SDK v1 and v2 run a second
  instance whose session transport answers POSTs over SSE (their W1 instances answer JSON). bare node:http answers a
  POST naming \`stream\` with 11 fixed events, one \`res.write\` each, then \`res.end\`: the ceiling for this workload.
- **W3**: session churn at 32 connections: \`initialize\`, \`notifications/initialized\`, one \`tools/call\`, \`DELETE\`; sessions/s.
- **W4**: a fresh server, warmed up with 5,000 sessions opened and closed (W3 churn, the same for every target, so
  that the young generation and the JIT have grown to their working size before the baseline); RSS of the server
  process (tree) before and after opening 10,000 idle sessions (initialize + initialized), 2 s after the last one;
  (after - before) / sessions. RSS, not heap: it includes the
  allocator's and GC's slack, so it is an upper bound and noisy. Heap per idle session is measured apart, in process,
  by \`bench/w4-heap.mjs\` (@x/mcp on Node only) and shown in the targets table when results.json holds it.
- **W5**: from \`spawn\` to the first answered \`tools/call\` (initialize, initialized, call; the DELETE that closes the probe's session comes after), polling every 5 ms; the median of one start per round, each after an untimed warm-up start that brings the runtime and the server's files into the page cache.
- **bundle**: a one-tool server (\`echo\`, the peer's documented schema style: JSON Schema for @x/mcp, built with
  \`createLeanMcp\`, the size-conscious entry (its \`createMcp\` size is in the targets note); zod 4 for the
  others, so zod is inside their bundles) bundled by esbuild (\`--bundle --minify --platform=node --format=esm\`), then gzip -9.
  The SDK v2's is \`createMcpHandler\` behind \`toNodeHandler\` on node:http. The Bun, Deno and Node 24 rows repeat the
  bundles of their Node rows (a bundle does not depend on the runtime that measures it).
- **Ratios**: the second ratio is to the official SDK v2 row of the same run (the header above the ratio table says
  so); only when a run has no SDK v2 row does the SDK v1 stand in, and the header then says that instead. The SDK v1
  stays in the tables as a plain row. Rows on Node 24 are divided by bare node:http and the SDK v2 on Node 24.
- **Node 24**: when \`tools/node24\` is installed, bare node:http, @x/mcp (node-http) and the SDK v2 run a second time
  on its Node 24 binary (the same server files), as rows of their own.
- **Servers**: \`bench/servers/*.mjs\`. @x/mcp is one file (\`servers/ours.mjs\`) that picks \`@x/mcp-node-http\`,
  \`@x/mcp-bun\` or \`@x/mcp-deno\` by runtime. The **SDK v2** (\`servers/sdk2.mjs\`, \`@modelcontextprotocol/server\`
  2.4.0 + \`@modelcontextprotocol/node\` 2.1.2) runs in the wirings its docs give: for the 2026-07-28 column, plain
  \`createMcpHandler(factory)\` behind \`toNodeHandler\` (a fresh \`McpServer\` per request); for everything with a 2025
  session (W1 2025, W2, W3, W4, W5), \`isLegacyRequest\` in front of a sessionful \`NodeStreamableHTTPServerTransport\`
  (one \`McpServer\` + transport per session) and a strict \`createMcpHandler(factory, { legacy: 'reject' })\`, which is
  how its docs keep 2025 sessions (\`createMcpHandler\` alone serves 2025 clients statelessly: no \`Mcp-Session-Id\`,
  \`DELETE\` answers 405). The SDK v1 is stateful (one \`McpServer\` + \`StreamableHTTPServerTransport\` per session, as
  its docs show). tmcp and mcp-lite (with \`InMemorySessionAdapter\`) run on node:http through
  \`@remix-run/node-fetch-server\`, as tmcp's README shows.
- **Load generator**: \`bench/load.mjs\`, undici \`Pool\` with exactly N keep-alive connections and one request in flight
  per connection (sent with \`dispatch\`, the body collected as bytes), bounded by time and by request count; latency
  percentiles from every sample. It is a single Node
  process on one core, so at the top end (bare node:http, Bun) **the generator, not the server, may be the limit**:
  those ratios understate the gap. This table does not use wrk; \`bench/wrk.mjs\` measures W1 with wrk apart (see
  "W1 with wrk" below, when RESULTS.md has it).
`;

const NOT_MEASURED = `- **W1 on the 2026-07-28 stateless path** for the SDK v1 and mcp-lite (neither offers it): n/a. The targets' "W1 @32
  ÷ mcp-lite" on that path is therefore n/a too.
- **bare node:http** has no MCP, so W3 and W4 do not apply to it; its W1 and W2 are fixed answers.
- **The SDK v2's stateless 2025 fallback** (\`createMcpHandler\`'s default for 2025 clients) is not a column: it keeps no
  session, so it cannot serve W3 or W4, and W1 "in a 2025 session" on it would not be one. The SDK v2's 2025 numbers
  come from its documented sessionful wiring instead (see Servers).
- **Host/Origin guards**: the SDK v2 docs put \`localhostHostValidation()\` / \`localhostOriginValidation()\` in front
  of a plain node:http server; the bench servers run without them (no peer is charged for them).
- **Heap per idle session** for anything but @x/mcp on Node: \`bench/w4-heap.mjs\` measures only that.
- **Peers on Bun and Deno**: only @x/mcp runs there; the SDKs, tmcp and mcp-lite were measured on Node only.
- **Repeats**: unless the header says "median of 3", every cell is a single run (\`--repeat 3\` does medians).
- **wrk**: not used in these tables (the undici generator only), so numbers near the generator's ceiling are
  understated; W1 with wrk is a separate run (\`bench/wrk.mjs\`).
- **Peers on Node 24**: only bare node:http, @x/mcp and the SDK v2 run on Node 24; the SDK v1, tmcp and mcp-lite
  on the current Node (see Machine) only, so the targets against mcp-lite are n/a in the Node 24 column.`;

/** Put before the hand-written part of RESULTS.md; everything after it survives `--write`. */
export const HAND_WRITTEN = '<!-- Hand-written below this line (profiles, findings): `--write` keeps it as it is. -->';

/**
 * The hand-written tail of an existing RESULTS.md: everything after HAND_WRITTEN; or, in a file written before that
 * marker existed, the prose that follows the table of its "## Targets of issue #7" section (the table itself is
 * generated now).
 */
export function handWrittenPart(old) {
  if (!old) return '';
  const i = old.indexOf(HAND_WRITTEN);
  if (i !== -1) return old.slice(i + HAND_WRITTEN.length).trim();
  const t = old.search(/^## Targets of issue #7.*$/m);
  if (t === -1) return '';
  const lines = old.slice(t).split('\n').slice(1);
  let k = 0;
  while (k < lines.length && (lines[k].trim() === '' || lines[k].startsWith('|'))) k++;
  return lines.slice(k).join('\n').trim();
}

export function resultsMarkdown(meta, results, { notMeasured = NOT_MEASURED, handWritten = '' } = {}) {
  return (
    `# Benchmark results\n\nProduced by \`node bench/run.mjs --write\` (see bench/README.md).\n\n${markdown(meta, results)}\n\n![W1 and W4](chart.svg)\n\n${NOTES}` +
    `${notMeasured ? `\n## Not measured\n\n${notMeasured}\n` : ''}\n${targetsMarkdown(results, meta)}\n\n${HAND_WRITTEN}\n` +
    `${handWritten ? `\n${handWritten}\n` : ''}`
  );
}

/** Writes bench/RESULTS.md (keeping its hand-written tail) and bench/chart.svg into `dir`. */
export async function writeResults(dir, meta, results) {
  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const file = join(dir, 'RESULTS.md');
  const handWritten = existsSync(file) ? handWrittenPart(readFileSync(file, 'utf8')) : '';
  writeFileSync(file, resultsMarkdown(meta, results, { handWritten }));
  writeFileSync(join(dir, 'chart.svg'), chartSvg(results));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { meta, results } = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
  if (process.argv.includes('--write')) await writeResults(dirname(fileURLToPath(import.meta.url)), meta, results);
  else console.log(`${markdown(meta, results)}\n\n${targetsMarkdown(results, meta)}`);
}
