/**
 * @module createLeanMcp: a server with the base and only the features it is given, so that a bundler leaves the
 * rest out.
 */
import { buildMcp } from './build-mcp';
import { kitOf } from './features/kit';
import { SESSIONS } from './features/sessions';
import type { McpFeature } from './features/kit';
import type { Mcp, McpOptions } from './mcp';

/** Options of {@link createLeanMcp}: those of `createMcp`, and the features to build in. */
export interface LeanMcpOptions extends McpOptions {
  /**
   * The optional features: `withTasks`, `withListen`, `withLegacySse`, `withResourceTemplates`,
   * `withValibotJsonSchema`, `withObserve`. Default none.
   */
  features?: readonly McpFeature[];
}

/**
 * Creates an MCP server with the base and the features listed, for bundles that must be small (edge functions).
 * The base serves 2026-07-28 per request and 2025-03-26 to 2025-11-25 sessions with resumable streams; tools,
 * resources, prompts, completion, logging, progress, cancellation, pagination, elicitation and sampling (MRTR on the
 * 2026 path); tool arguments checked against raw JSON Schema or any Standard Schema. An option or registration that
 * needs a missing feature throws a TypeError that names it. Without 2025 sessions, `createStatelessMcp` is smaller still.
 * @param options Identity, endpoint, limits and features.
 * @returns The server, the same object `createMcp` returns.
 * @example
 * ```ts
 * import { createLeanMcp, withTasks } from '@x/mcp-core';
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withTasks] });
 * mcp.tool('hello', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
 * export default { fetch: mcp.handle };
 * ```
 */
export function createLeanMcp(options: LeanMcpOptions): Mcp {
  return buildMcp(options, kitOf(options.features ?? []), SESSIONS);
}
