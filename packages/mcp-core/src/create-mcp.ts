/**
 * @module createMcp: the server with every feature, whose `handle` is a pure `Request -> Response` function.
 */
import { buildMcp } from './build-mcp';
import { kitOf } from './features/kit';
import { SESSIONS } from './features/sessions';
import { withLegacySse } from './features/legacy-sse';
import { withListen } from './features/listen';
import { withResourceTemplates } from './features/resource-templates';
import { withTasks } from './features/tasks';
import { withValibotJsonSchema } from './features/valibot-json-schema';
import { withObserve } from './features/observe';
import { withScopes } from './features/scopes';
import type { Mcp, McpOptions } from './mcp';

/**
 * Creates an MCP server with every feature: both eras, tasks, `subscriptions/listen`, the 2024-11-05 HTTP+SSE
 * transport, resource templates, valibot schemas, the `observe` option and tools' `scopes` (step-up authorization). Build it once at start-up; `handle` serves every request with no
 * per-request construction. For a smaller bundle, `createLeanMcp` takes only the features it is given.
 * @param options Identity, endpoint and limits.
 * @returns The server.
 * @example
 * ```ts
 * import { createMcp } from '@x/mcp-core';
 * const mcp = createMcp({ name: 'demo', version: '1.0.0' });
 * mcp.tool('hello', {}, () => ({ content: [{ type: 'text', text: 'hi' }] }));
 * export default { fetch: mcp.handle };
 * ```
 */
export function createMcp(options: McpOptions): Mcp {
  return buildMcp(options, kitOf([withTasks, withListen, withLegacySse, withResourceTemplates, withValibotJsonSchema, withObserve, withScopes]), SESSIONS);
}
