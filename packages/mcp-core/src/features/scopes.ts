/**
 * @module The `withScopes` feature.
 */
import { bindScopes } from '../server/scopes';
import type { McpFeature } from './kit';

/**
 * Step-up authorization (AUTH-06): tools' `scopes`, the `auth` option, and the 401/403 `WWW-Authenticate`
 * challenge of a refused scope or of an `InsufficientScopeError` a handler throws. `createMcp` has it; a lean
 * server needs it in its features for any of these (without it, a thrown InsufficientScopeError is a plain
 * JSON-RPC error).
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'files', version: '1.0.0', features: [withScopes], auth: { resourceMetadata: 'https://files.example/.well-known/oauth-protected-resource/mcp' } });
 * mcp.tool('delete_file', { scopes: ['files:write'], inputSchema }, handler);
 * ```
 */
export const withScopes: McpFeature = { name: 'withScopes', '~kit': { scopes: bindScopes } };
