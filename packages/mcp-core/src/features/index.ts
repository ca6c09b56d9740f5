/**
 * @module Features a lean server is built with (`createLeanMcp`); `createMcp` has them all.
 */
export { kitOf } from './kit';
export type { FeatureKit, McpFeature, TasksKit } from './kit';
export { withLegacySse } from './legacy-sse';
export { withListen } from './listen';
export { withResourceTemplates } from './resource-templates';
export { withTasks } from './tasks';
export { withValibotJsonSchema } from './valibot-json-schema';
export { withObserve } from './observe';
export { withScopes } from './scopes';
