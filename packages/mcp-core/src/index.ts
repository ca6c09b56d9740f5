/**
 * @module @x/mcp-core: a runtime-free MCP server core behind a pure `Request -> Response` handler.
 */
export { createMcp } from './create-mcp';
export { createLeanMcp } from './create-lean-mcp';
export type { LeanMcpOptions } from './create-lean-mcp';
export { createStatelessMcp } from './create-stateless-mcp';
export type { StatelessMcpOptions } from './create-stateless-mcp';
export type { Mcp, McpOptions, McpStats } from './mcp';
export { withLegacySse, withListen, withObserve, withResourceTemplates, withScopes, withTasks, withValibotJsonSchema } from './features/index';
export type { McpFeature } from './features/index';
export { InsufficientScopeError, McpError, isInsufficientScopeError, isMcpError } from './errors';
export { ErrorCode } from './jsonrpc/codes';
export type { ErrorCodeValue } from './jsonrpc/codes';
export type { JsonRpcId, JsonRpcRequest, JsonRpcNotification, JsonRpcResponse, JsonRpcErrorObject } from './jsonrpc/messages';
export { LEGACY_VERSIONS, LATEST_LEGACY_VERSION, MODERN_VERSIONS, SUPPORTED_VERSIONS } from './protocol/versions';
export { inputRequired, isInputRequired, isInputPending } from './server/mrtr';
export type { InputRequest, InputRequired, InputResponses } from './server/mrtr';
export { createMemoryBus, toMcpEvent } from './bus/index';
export type { McpEvent, NotificationBus } from './bus/index';
export type { RequestStateOptions, SingleUseGuard } from './mrtr/request-state';
export type { Observe, ObservedOutcome, ObservedRequest, RequestObserver } from './server/observe';
export type { AuthOptions } from './server/scopes';
export { TASKS_EXTENSION } from './tasks/extension';
export {
  createMemoryTaskStore,
  createTaskId,
  nextTaskState,
  isTerminal,
  TASK_TRANSITIONS,
  TaskStoreFullError,
} from './tasks/index';
export type { MemoryTaskStore, MemoryTaskStoreOptions, TaskEvent, TaskPage, TaskRecord, TaskStatus, TaskStore, TaskUpdate, NewTaskRecord } from './tasks/index';
export type { AuthInfo, FetchHandler, MaybePromise, RequestContext } from './types';
export type {
  AnySchema,
  AudioContent,
  CacheHint,
  CallToolResult,
  ClientRequestOptions,
  Completer,
  ContentBlock,
  CreateMessageParams,
  CreateMessageResult,
  ElicitParams,
  ElicitResult,
  EmbeddedResource,
  GetPromptResult,
  HandlerContext,
  Icon,
  ImageContent,
  Logger,
  LoggingLevel,
  PromptArgument,
  PromptConfig,
  PromptHandler,
  PromptMessage,
  ReadResourceResult,
  Registration,
  ResourceConfig,
  ResourceContents,
  ResourceHandler,
  ResourceLinkContent,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  Root,
  TextContent,
  ToolAnnotations,
  ToolConfig,
  ToolHandler,
  ToolTaskConfig,
} from './server/types';
export { createMemorySessionStore, createSessionId, nextSessionState, SESSION_TRANSITIONS } from './session/index';
export type { SessionEvent, SessionRecord, SessionState, SessionStore } from './session/index';
export { createMemoryEventStore } from './events/index';
export type { EventStore, MemoryEventStore, MemoryEventStoreOptions, StoredEvent } from './events/index';
export { encodeSseComment, encodeSseEvent } from './sse/index';
export type { SseEvent } from './sse/index';
export { UriTemplate } from './uri-template/index';
export { toJsonSchema, validateWithSchema } from './schema/index';
// For adapters: lazy stand-ins for Web classes (@x/mcp-node-http's Request and Headers), and a body view and a
// response conversion that say when a body was sent in full (@x/mcp-bun, @x/mcp-deno).
export { delegateRest, whenGlobal } from './http/native-delegate';
export { throughBody } from './http/body-end';
export { servedResponse } from './http/text-response';
export type { SchemaIssue } from './schema/index';
