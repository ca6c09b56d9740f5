// The benchmark report (bench/report.mjs) judges each @x/mcp row against references of the same runtime: a Node 24
// row against bare node:http and the SDK v2 on Node 24, the others against the Node rows (issue #7).
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the private bench package, without type declarations
import { judge, markdown, refRow, targetsMarkdown } from '../../bench/report.mjs';

const row = (name: string, label: string, values: Record<string, number>) => ({ name, label, ...values, bundle: { min: 100_000, gzip: 30_000 } });

const RESULTS = [
  row('bare', 'bare node:http (fixed JSON-RPC answer)', { w1_32: 40_000, w1s_32: 40_000, w5: 80 }),
  row('ours-node', '@x/mcp (node-http)', { w1_32: 26_000, w1s_32: 25_000, w5: 100 }),
  row('sdk2', 'official SDK v2', { w1_32: 3_000, w1s_32: 1_300, w5: 300 }),
  row('mcp-lite', 'mcp-lite', { w1_32: 4_500, w5: 190 }),
  row('bare-node24', 'bare node:http on Node 24', { w1_32: 30_000, w1s_32: 30_000, w5: 90 }),
  row('ours-node24', '@x/mcp (node-http, Node 24)', { w1_32: 27_000, w1s_32: 24_000, w5: 100 }),
  row('sdk2-node24', 'official SDK v2 on Node 24', { w1_32: 2_000, w1s_32: 1_000, w5: 320 }),
];
const byName = (name: string) => RESULTS.find((r) => r.name === name)!;
const goal = (key: string, ref: string, min: number) => ({ what: key, wanted: `≥ ${min}×`, key, ref, min, unit: 'req/s' });

describe('bench report: Node 24 rows', () => {
  it('refRow pairs a Node 24 row with the Node 24 reference and every other row with the Node one', () => {
    expect(refRow(RESULTS, byName('ours-node24'), 'bare').name).toBe('bare-node24');
    expect(refRow(RESULTS, byName('ours-node24'), 'sdk2').name).toBe('sdk2-node24');
    expect(refRow(RESULTS, byName('ours-node'), 'bare').name).toBe('bare');
    expect(refRow(RESULTS, { name: 'ours-bun' }, 'sdk2').name).toBe('sdk2');
  });

  it('judges ours on Node 24 against bare node:http and the SDK v2 on Node 24', () => {
    const vsBare = judge(goal('w1_32', 'bare', 0.6), byName('ours-node24'), RESULTS);
    expect(vsBare.measured).toBe('0.90× (27,000 vs 30,000 req/s)');
    expect(vsBare.verdict).toBe('met');
    const vsSdk = judge(goal('w1_32', 'sdk2', 12), byName('ours-node24'), RESULTS);
    expect(vsSdk.measured).toBe('13.50× (27,000 vs 2,000 req/s)');
    expect(vsSdk.verdict).toBe('met');
    // The same goal on the Node 20 row uses the Node 20 SDK: 26,000 / 3,000.
    expect(judge(goal('w1_32', 'sdk2', 12), byName('ours-node'), RESULTS).verdict).toBe('**missed by 1.4×**');
  });

  it('says n/a, and does not borrow the Node row, for a peer that was not run on Node 24', () => {
    const j = judge(goal('w1_32', 'mcp-lite', 3), byName('ours-node24'), RESULTS);
    expect(j.verdict).toBe('n/a: mcp-lite was not run on Node 24');
    expect(judge(goal('w1_32', 'mcp-lite', 3), byName('ours-node'), RESULTS).verdict).toBe('met');
  });

  it('divides Node 24 rows by the Node 24 references in the ratio table, and lists no ratio row for either bare', () => {
    const text = markdown({ date: 'd', machine: 'm', pinning: 'p', generator: 'g', seconds: 10, repeat: 3, sessions: 10_000 }, RESULTS);
    const ratios = text.slice(text.indexOf('Ratios, measured'));
    expect(ratios).toContain('Rows on Node 24 are divided by bare node:http and the SDK v2 on Node 24 instead.');
    const line = ratios.split('\n').find((l) => l.startsWith('| @x/mcp (node-http, Node 24) |'))!;
    // W1 2026 @32 is the first column: 24,000 ÷ 30,000 and 24,000 ÷ 1,000.
    expect(line.split(' | ')[1]).toBe('0.80× / 24.00×');
    expect(ratios).not.toMatch(/^\| bare node:http/m);
  });

  it('gives the Node 24 row its own column in the targets table', () => {
    const text = targetsMarkdown(RESULTS, { repeat: 3 });
    expect(text).toContain('| @x/mcp (node-http, Node 24) | verdict |');
    expect(text).toContain('The Node 24 column is judged against bare node:http and the SDK v2 on Node 24');
  });
});
