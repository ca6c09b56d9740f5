/**
 * @module The `withObserve` feature.
 */
import { bindObserve } from '../server/observe';
import type { McpFeature } from './kit';

/**
 * The `observe` option: instrumentation around every handler run (tracing, metrics, logs). `createMcp` has it; a
 * lean server needs it in its features to take the option.
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withObserve], observe: (request) => ({ end: (o) => log(request.method, o) }) });
 * ```
 */
export const withObserve: McpFeature = { name: 'withObserve', '~kit': { observe: bindObserve } };
