/**
 * @module createStatelessMcp: a modern-only server, protocol 2026-07-28 per request, with no 2025 sessions in its
 * bundle or its memory.
 */
import { buildMcp } from './build-mcp';
import { kitOf } from './features/kit';
import type { LeanMcpOptions } from './create-lean-mcp';
import type { Mcp, McpOptions } from './mcp';

/** Options that configure 2025 sessions only. */
const SESSION_OPTIONS = ['sessions', 'retryMs', 'clientRequestTimeoutMs', 'eventStore', 'legacySse'] as const;

/**
 * Options of {@link createStatelessMcp}: those of `createLeanMcp` less the ones that configure 2025 sessions
 * (`sessions`, `retryMs`, `clientRequestTimeoutMs`, `eventStore`, `legacySse`), which it refuses at run time too.
 */
export type StatelessMcpOptions = Omit<LeanMcpOptions, (typeof SESSION_OPTIONS)[number]>;

/**
 * Creates a modern-only MCP server: protocol 2026-07-28, every request answered on its own, no session state
 * (DUAL-08). It suits serverless and edge functions, where no session outlives a request, and it bundles smaller
 * than `createLeanMcp`. Legacy traffic gets the errors the spec asks for: `initialize` a 400 with -32022 naming the
 * supported versions, a POST without `MCP-Protocol-Version` a 400 with -32020, GET and DELETE a 405. Features are
 * those of `createLeanMcp` except `withLegacySse`.
 * @param options Identity, endpoint, limits and features.
 * @returns The server, the same object `createMcp` returns (`stats().sessions` stays 0).
 * @throws TypeError for a session option or `withLegacySse`.
 * @example
 * ```ts
 * import { createStatelessMcp } from '@x/mcp-core';
 * const mcp = createStatelessMcp({ name: 'edge', version: '1.0.0' });
 * mcp.tool('hello', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
 * export default { fetch: mcp.handle };
 * ```
 */
export function createStatelessMcp(options: StatelessMcpOptions): Mcp {
  const given = options as McpOptions;
  for (const option of SESSION_OPTIONS) {
    // `false` (no event store, no HTTP+SSE) says what a stateless server is anyway.
    if (given[option] !== undefined && given[option] !== false) {
      throw new TypeError(`The ${option} option configures 2025 sessions, and a stateless server (createStatelessMcp) has none: build it with createMcp or createLeanMcp`);
    }
  }
  const kit = kitOf(options.features ?? []);
  if (kit.legacySse !== undefined) {
    throw new TypeError('withLegacySse serves 2024-11-05 clients through sessions, and a stateless server (createStatelessMcp) has none: build it with createMcp or createLeanMcp');
  }
  return buildMcp(options, kit, undefined);
}
