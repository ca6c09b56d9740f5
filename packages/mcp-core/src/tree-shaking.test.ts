/**
 * Regression guard for bundle size: a one-tool server built with createLeanMcp must leave out every feature it was
 * not given, and one built with createStatelessMcp the 2025 sessions too, so that a bundler can drop them (bench
 * "bundle"). esbuild bundles the core's source with the package's
 * `sideEffects: false`; its metafile says which source files reached the output.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

/** Source files that only each feature brings in. */
const FEATURE_FILES = {
  withTasks: ['src/tasks/runtime.ts', 'src/tasks/memory-store.ts', 'src/http/session-tasks.ts'],
  withListen: ['src/http/listen.ts'],
  withLegacySse: ['src/http/legacy-sse.ts'],
  withResourceTemplates: ['src/uri-template/uri-template.ts'],
  withValibotJsonSchema: ['@valibot/to-json-schema'],
  withObserve: ['src/server/observe.ts'],
  withScopes: ['src/server/scopes.ts'],
} as const;
type Feature = keyof typeof FEATURE_FILES;

/** Source files of 2025 sessions, which `createStatelessMcp` leaves out. */
const SESSION_FILES = ['src/http/streamable.ts', 'src/http/live-session.ts', 'src/events/store.ts', 'src/session/store.ts'] as const;
const FEATURES = Object.keys(FEATURE_FILES) as Feature[];

const TOOL = `mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
export default { fetch: mcp.handle };`;

/** Bundles a one-tool server; returns the source files in the output and its minified size. */
async function bundle(entry: string): Promise<{ files: string[]; bytes: number }> {
  const out = await build({
    stdin: { contents: entry, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(out.metafile.outputs)[0]!;
  const files = Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([k]) => k);
  return { files, bytes: out.outputFiles[0]!.contents.length };
}

const lean = (features: Feature[]) =>
  bundle(`import { createLeanMcp${features.map((f) => `, ${f}`).join('')} } from ${JSON.stringify(INDEX)};
const mcp = createLeanMcp({ name: 'b', version: '0', features: [${features.join(', ')}] });
${TOOL}`);

const has = (files: string[], feature: Feature) => FEATURE_FILES[feature].filter((f) => files.some((file) => file.includes(f)));

describe('tree-shaking of the optional features', () => {
  it('createLeanMcp with no features bundles none of them', async () => {
    const { files } = await lean([]);
    for (const f of FEATURES) expect(has(files, f), f).toEqual([]);
  });

  it.each(FEATURES)('createLeanMcp with %s bundles that feature alone', async (feature) => {
    const { files } = await lean([feature]);
    for (const f of FEATURES) expect(has(files, f), f).toEqual(f === feature ? [...FEATURE_FILES[f]] : []);
  });

  it('createStatelessMcp bundles none of the 2025 session transport, and is at least a sixth smaller than the lean server', async () => {
    const modernOnly = await bundle(`import { createStatelessMcp } from ${JSON.stringify(INDEX)};
const mcp = createStatelessMcp({ name: 'b', version: '0' });
${TOOL}`);
    expect(SESSION_FILES.filter((f) => modernOnly.files.some((file) => file.includes(f)))).toEqual([]);
    for (const f of FEATURES) expect(has(modernOnly.files, f), f).toEqual([]);
    const { files, bytes } = await lean([]);
    // The lean server has them all (so the list above names real files).
    expect(SESSION_FILES.filter((f) => files.some((file) => file.includes(f)))).toEqual([...SESSION_FILES]);
    expect(modernOnly.bytes).toBeLessThan(bytes * (5 / 6));
  });

  it('createMcp bundles every feature, and the lean server is at least a quarter smaller', async () => {
    const full = await bundle(`import { createMcp } from ${JSON.stringify(INDEX)};
const mcp = createMcp({ name: 'b', version: '0' });
${TOOL}`);
    for (const f of FEATURES) expect(has(full.files, f), f).toEqual([...FEATURE_FILES[f]]);
    const { bytes } = await lean([]);
    expect(bytes).toBeLessThan(full.bytes * 0.75);
  });
});
