/**
 * @module The `withResourceTemplates` feature.
 */
import { UriTemplate } from '../uri-template/index';
import type { McpFeature } from './kit';

/** Parses a template once, at registration. */
const compileTemplate = (template: string): UriTemplate => new UriTemplate(template);

/**
 * RFC 6570 resource templates: `mcp.resourceTemplate(...)` needs it (it throws without).
 * @example
 * ```ts
 * const mcp = createLeanMcp({ name: 'demo', version: '1.0.0', features: [withResourceTemplates] });
 * mcp.resourceTemplate('file', 'file:///{path}', {}, (uri, { path }) => ({ contents: [{ uri, text: String(path) }] }));
 * ```
 */
export const withResourceTemplates: McpFeature = { name: 'withResourceTemplates', '~kit': { compileTemplate } };
