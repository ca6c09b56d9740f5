// Renders bench results (bench/results.json) as a Markdown table and an SVG chart of W1 and W4.
const fin = (x) => typeof x === 'number' && Number.isFinite(x);
const int = (x) => (fin(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const ms = (x) => (fin(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a');
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
const ratio = (a, b) => (fin(a) && fin(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

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
  const bare = results.find((r) => r.name === 'bare');
  const sdk = results.find((r) => r.name === 'sdk');
  lines.push('');
  lines.push('Ratios, measured in the same run: value ÷ bare node:http, then value ÷ official SDK v1. Throughput: higher is better; bytes, ms and KiB: lower is better. W1 ratios use req/s.');
  lines.push('');
  lines.push(`| target | ${COLS.map((c) => c.head.replace(/: req\/s.*$/, ' req/s')).join(' | ')} |`);
  lines.push(`|---|${COLS.map(() => '---:').join('|')}|`);
  for (const r of results) {
    if (r.name === 'bare' || r.error) continue;
    lines.push(`| ${r.label} | ${COLS.map((c) => `${ratio(val(r, c.key), bare && val(bare, c.key))} / ${ratio(val(r, c.key), sdk && val(sdk, c.key))}`).join(' | ')} |`);
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

const NOTES = `## What each column is

- **W1**: \`tools/call\` of \`echo\` answered as JSON. *2025 session*: one session opened with \`initialize\`
  (protocol 2025-06-18) + \`notifications/initialized\`, then every call carries \`Mcp-Session-Id\`. *2026 stateless*:
  the 2026-07-28 per-request path (no session; \`MCP-Protocol-Version\`, \`Mcp-Method\`, \`Mcp-Name\` headers and the
  \`io.modelcontextprotocol/*\` \`_meta\` keys). Only tmcp offers it; @x/mcp has **no 2026 path yet (n/a)**; the SDK v1 and
  mcp-lite do not offer it either (n/a). The bare node:http row answers both with the same fixed body.
- **W2**: \`tools/call\` of \`stream\` with a \`progressToken\`: 10 \`notifications/progress\` and the result over one SSE
  response (11 events, each checked); events/s at 32 connections. The SDK runs a second instance with
  \`enableJsonResponse: false\` for this (its W1 instance answers JSON).
- **W3**: session churn at 32 connections: \`initialize\`, \`notifications/initialized\`, one \`tools/call\`, \`DELETE\`; sessions/s.
- **W4**: a fresh server; RSS of the server process (tree) before and after opening 10,000 idle sessions
  (initialize + initialized), 2 s after the last one; (after - before) / sessions. RSS, not heap: it includes the
  allocator's and GC's slack, so it is an upper bound and noisy.
- **W5**: from \`spawn\` to the first answered \`tools/call\` (initialize, initialized, call), polling every 5 ms.
- **bundle**: a one-tool server (\`echo\`, the peer's documented schema style: JSON Schema for @x/mcp, zod 4 for the
  others, so zod is inside their bundles) bundled by esbuild (\`--bundle --minify --platform=node --format=esm\`), then gzip -9.
  The Bun and Deno rows repeat the node-http bundle.
- **Servers**: \`bench/servers/*.mjs\`. @x/mcp is one file (\`servers/ours.mjs\`) that picks \`@x/mcp-node-http\`,
  \`@x/mcp-bun\` or \`@x/mcp-deno\` by runtime. The SDK v1 is stateful (one \`McpServer\` + \`StreamableHTTPServerTransport\`
  per session, as its docs show). tmcp and mcp-lite (with \`InMemorySessionAdapter\`) run on node:http through
  \`@remix-run/node-fetch-server\`, as tmcp's README shows.
- **Load generator**: \`bench/load.mjs\`, undici \`Pool\` with exactly N keep-alive connections and one request in flight
  per connection, bounded by time and by request count; latency percentiles from every sample. It is a single Node
  process on one core, so at the top end (bare node:http, Bun) **the generator, not the server, may be the limit**:
  those ratios understate the gap. wrk was not used.
`;

const NOT_MEASURED = `- **W1 on the 2026-07-28 stateless path** for @x/mcp (it has no 2026 path yet), the SDK v1 and mcp-lite (neither offers it): n/a.
- **bare node:http** has no MCP, so W2, W3 and W4 do not apply to it; its W1 ratios are the only ones against bare.
- **The official SDK v2** (\`@modelcontextprotocol/server\` + \`@modelcontextprotocol/node\`) was not installed or measured;
  "official SDK" here is v1 \`@modelcontextprotocol/sdk\` 1.32.2.
- **Peers on Bun and Deno**: only @x/mcp runs there; the SDK, tmcp and mcp-lite were measured on Node only.
- **Repeats**: unless the header says "median of 3", every cell is a single run (\`--repeat 3\` does medians).
- **wrk**: not used (the undici generator only), so numbers near the generator's ceiling are understated.
- **Node 24**: only the current Node (see Machine) was used for the Node rows.`;

export function resultsMarkdown(meta, results, notMeasured = NOT_MEASURED) {
  return `# Benchmark results\n\nProduced by \`node bench/run.mjs --write\` (see bench/README.md).\n\n${markdown(meta, results)}\n\n![W1 and W4](chart.svg)\n\n${NOTES}${notMeasured ? `\n## Not measured\n\n${notMeasured}\n` : ''}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { meta, results } = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
  if (process.argv.includes('--write')) {
    writeFileSync(new URL('./RESULTS.md', import.meta.url), resultsMarkdown(meta, results));
    writeFileSync(new URL('./chart.svg', import.meta.url), chartSvg(results));
  } else console.log(markdown(meta, results));
}
