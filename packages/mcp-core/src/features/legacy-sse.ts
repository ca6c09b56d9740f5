/**
 * @module The `withLegacySse` feature.
 */
import { LegacySse } from '../http/legacy-sse';
import type { McpFeature } from './kit';

/**
 * The HTTP+SSE transport of protocol 2024-11-05 (GET `/sse` + POST `/messages`), beside the Streamable HTTP endpoint;
 * the `legacySse` option sets its paths.
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withLegacySse] });
 * ```
 */
export const withLegacySse: McpFeature = { name: 'withLegacySse', '~kit': { legacySse: LegacySse } };
