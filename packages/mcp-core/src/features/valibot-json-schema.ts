/**
 * @module The `withValibotJsonSchema` feature.
 */
import { fromValibot } from '../schema/valibot-json-schema';
import type { McpFeature } from './kit';

/**
 * Converts plain valibot schemas (`v.object(...)`) to the JSON Schema of `tools/list`, with `@valibot/to-json-schema`.
 * Not needed for raw JSON Schema, for libraries that implement Standard JSON Schema (zod 4, arktype), or for valibot
 * schemas wrapped with `toStandardJsonSchema`.
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withValibotJsonSchema] });
 * mcp.tool('echo', { inputSchema: v.object({ text: v.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
 * ```
 */
export const withValibotJsonSchema: McpFeature = { name: 'withValibotJsonSchema', '~kit': { valibot: fromValibot } };
