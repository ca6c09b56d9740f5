/**
 * @module RFC 6570 URI templates for MCP resource templates.
 */

export { MAX_TEMPLATE_LENGTH, MAX_URI_LENGTH, UriTemplate, UriTemplateError } from './uri-template';
export type { UriTemplateMatch, UriTemplateValue, UriTemplateValues } from './uri-template';
