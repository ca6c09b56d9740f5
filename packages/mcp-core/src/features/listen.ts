/**
 * @module The `withListen` feature.
 */
import { ListenHub } from '../http/listen';
import type { McpFeature } from './kit';

/**
 * 2026-07-28 `subscriptions/listen`: the stream on which stateless clients hear list changes, resource updates and
 * task status. Without it, `server/discover` declares no `listChanged` or `subscribe`, and the method is unknown;
 * 2025 sessions hear changes on their GET stream either way. The `maxListenStreams` option needs it.
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withListen] });
 * ```
 */
export const withListen: McpFeature = { name: 'withListen', '~kit': { listen: ListenHub } };
