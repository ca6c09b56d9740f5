/**
 * @module Public types of the MCP server surface: definitions users register and the context their handlers get.
 */
import type { AuthInfo, MaybePromise } from '../types';
import type { JsonRpcId } from '../jsonrpc/messages';
import type { InputRequired } from './mrtr';

/**
 * How long and for whom a 2026-07-28 client may cache a result (CACHE-01): `ttlMs` (an integer >= 0) and
 * `cacheScope` (`private`: only within the same authorization context).
 */
export interface CacheHint {
  ttlMs?: number;
  scope?: 'public' | 'private';
}

/** Log levels, lowest first (RFC 5424 names, LOG-01). */
export type LoggingLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** An icon for a tool, resource, prompt or the server (2025-11-25). */
export interface Icon {
  src: string;
  mimeType?: string;
  sizes?: string[];
  theme?: 'light' | 'dark';
}

/** Annotations on content items. */
export interface ContentAnnotations {
  audience?: ('user' | 'assistant')[];
  priority?: number;
  lastModified?: string;
}

/** Text content. */
export interface TextContent { type: 'text'; text: string; annotations?: ContentAnnotations; _meta?: Record<string, unknown> }
/** Image content, base64 data. */
export interface ImageContent { type: 'image'; data: string; mimeType: string; annotations?: ContentAnnotations; _meta?: Record<string, unknown> }
/** Audio content, base64 data (2025-03-26+). */
export interface AudioContent { type: 'audio'; data: string; mimeType: string; annotations?: ContentAnnotations; _meta?: Record<string, unknown> }
/** A link to a resource (2025-06-18+). */
export interface ResourceLinkContent {
  type: 'resource_link';
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  icons?: Icon[];
  annotations?: ContentAnnotations;
  _meta?: Record<string, unknown>;
}
/** One item of `resources/read` contents. */
export type ResourceContents =
  | { uri: string; mimeType?: string; text: string; _meta?: Record<string, unknown> }
  | { uri: string; mimeType?: string; blob: string; _meta?: Record<string, unknown> };
/** An embedded resource. */
export interface EmbeddedResource { type: 'resource'; resource: ResourceContents; annotations?: ContentAnnotations; _meta?: Record<string, unknown> }

/** Any content item of a tool result. */
export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLinkContent | EmbeddedResource;

/** The result of a tool call (TOOL-03). */
export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/** Tool behaviour hints (25-03+). */
export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** JSON-schema-shaped object, as given raw. */
export type JsonSchemaObject = Record<string, unknown>;

/** A schema: Standard Schema (valibot, zod, arktype, ...) or raw JSON Schema. */
export type AnySchema = { readonly '~standard': { readonly version: 1; readonly vendor: string; readonly validate: (value: unknown) => unknown } } | JsonSchemaObject;

/** What a schema produces after validation: inferred for Standard Schemas, a plain record for raw JSON Schema. */
export type InferOutput<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? T extends { readonly output: infer O } ? O : unknown
  : Record<string, unknown>;

/** Sends `notifications/message` for this request, if the client's level lets it through. */
export type LogFn = (data: unknown, logger?: string) => void;

/** The logger in a handler context: one function per level. */
export type Logger = { readonly [L in LoggingLevel]: LogFn } & {
  /** Log at any level. */
  log(level: LoggingLevel, data: unknown, logger?: string): void;
};

/** Params of `elicitation/create`: form mode (default) or URL mode (2025-11-25). */
export type ElicitParams =
  | { mode?: 'form'; message: string; requestedSchema: JsonSchemaObject; _meta?: Record<string, unknown> }
  | {
      mode: 'url';
      message: string;
      url: string;
      /** 2025-11-25 sessions: generated when left out. 2026-07-28 has none (left out on the wire). */
      elicitationId?: string;
      _meta?: Record<string, unknown>;
    };

/** The client's answer to an elicitation. */
export interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** A sampling message. */
export interface SamplingMessage { role: 'user' | 'assistant'; content: unknown; _meta?: Record<string, unknown> }

/** Params of `sampling/createMessage`. */
export interface CreateMessageParams {
  messages: SamplingMessage[];
  maxTokens: number;
  systemPrompt?: string;
  modelPreferences?: Record<string, unknown>;
  includeContext?: 'none' | 'thisServer' | 'allServers';
  temperature?: number;
  stopSequences?: string[];
  metadata?: Record<string, unknown>;
  tools?: unknown[];
  toolChoice?: unknown;
  _meta?: Record<string, unknown>;
}

/** The client's sampling answer. */
export interface CreateMessageResult {
  role: 'user' | 'assistant';
  content: unknown;
  model: string;
  stopReason?: string;
  _meta?: Record<string, unknown>;
}

/** A root the client exposes. */
export interface Root { uri: string; name?: string; _meta?: Record<string, unknown> }

/** Options for a server-to-client request. */
export interface ClientRequestOptions {
  /**
   * The key of this question in a 2026-07-28 input-required result (MRTR-02), under which the client's answer comes
   * back. Default: the method's short name and a counter (`elicitation-1`, `sampling-1`, `roots-1`), stable as long
   * as the handler asks in the same order on every run. Ignored on 2025 sessions.
   */
  key?: string;
  /** Give up after this many ms (default: the server's `clientRequestTimeoutMs`, 60 s). */
  timeoutMs?: number;
  /** Abort waiting (the handler's own signal always applies too). */
  signal?: AbortSignal;
}

/**
 * What every handler (tool, resource, prompt, completion) receives besides its arguments.
 */
export interface HandlerContext {
  /**
   * Aborted when the client cancels the request: `notifications/cancelled` or the end of the session (2025), the
   * client closing the response stream (2026-07-28, MH-05).
   */
  readonly signal: AbortSignal;
  /** The JSON-RPC id of the request being served. */
  readonly requestId: JsonRpcId;
  /** The session id (2025 sessions); undefined for stateless 2026-07-28 requests. */
  readonly sessionId: string | undefined;
  /** The protocol revision in use for this request. */
  readonly protocolVersion: string;
  /** What the client declared it can do. */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** Who the client says it is. */
  readonly clientInfo: Readonly<{ name: string; version: string }> | undefined;
  /** The authenticated caller, as the embedder passed it. */
  readonly authInfo: AuthInfo | undefined;
  /** The peer address, when the adapter knows it. */
  readonly remoteAddress: string | undefined;
  /** The request's `_meta`, if any. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
  /** Sends `notifications/message` related to this request. */
  readonly log: Logger;
  /**
   * Reports progress for this request (`notifications/progress`), when the client sent a `progressToken`.
   * Values that do not increase are dropped (PROG-01).
   */
  progress(progress: number, total?: number, message?: string): void;
  /**
   * Asks the user through the client (`elicitation/create`). On a 2025 session it is a server-to-client request;
   * on a 2026-07-28 request the answer comes from the retry's `inputResponses`, and until it is there the call
   * ends the handler run with an input-required result (MRTR): the handler runs again from the start on the retry,
   * so do side effects after the questions. Rejects when the client lacks the capability (S2C-01; -32021 in 2026).
   */
  elicit(params: ElicitParams, options?: ClientRequestOptions): Promise<ElicitResult>;
  /** Asks the client's model (`sampling/createMessage`); the same two forms as {@link HandlerContext.elicit}. */
  sample(params: CreateMessageParams, options?: ClientRequestOptions): Promise<CreateMessageResult>;
  /** Asks the client for its roots (`roots/list`); the same two forms as {@link HandlerContext.elicit}. */
  listRoots(options?: ClientRequestOptions): Promise<{ roots: Root[] }>;
  /**
   * The client's answers to the questions of the previous rounds, by key (MRTR-04), when the handler returned
   * {@link inputRequired}; undefined on a first run. Unknown keys are the client's business and may be ignored.
   */
  readonly inputResponses: Readonly<Record<string, unknown>> | undefined;
  /** The `state` the previous round's {@link inputRequired} carried, verified (MRTR-05); undefined on a first run. */
  readonly requestState: unknown;
  /**
   * Ends the HTTP response stream now while the request goes on (SSE polling, RSM-06, 2025-11-25 clients only):
   * the client reconnects after `retryMs` with `Last-Event-ID` and gets the rest. A no-op for other clients.
   */
  closeStream(retryMs?: number): void;
  /** The task this run belongs to (a call that runs as a task); undefined otherwise. */
  readonly taskId: string | undefined;
  /**
   * A tool whose `task.start` is `'explicit'` runs in the request until it calls this: the client then gets the
   * task handle and the rest of the run is the task's (2026 tasks extension). Resolves at once everywhere else.
   */
  startTask(): Promise<void>;
  /** Sets the task's status message (`statusMessage`); a no-op outside a task. */
  reportStatus(message: string): void;
}

/** How a tool runs as a task (checklist §8). */
export interface ToolTaskConfig {
  /**
   * `optional`: a task when the client supports tasks, a plain call otherwise; `required`: clients without task
   * support get -32021 (2026). Default `forbidden`.
   */
  support?: 'forbidden' | 'optional' | 'required';
  /** How long the task is kept after it was created, ms. Default: the server's `tasks.ttlMs`. */
  ttlMs?: number;
  /** The polling interval suggested to clients, ms. Default: the server's `tasks.pollIntervalMs`. */
  pollIntervalMs?: number;
  /**
   * `immediately` (default): the call answers with the task handle at once and the handler runs as the task.
   * `explicit`: the handler runs in the request (it may ask for input there, MRTR) until it calls
   * `ctx.startTask()`.
   */
  start?: 'immediately' | 'explicit';
}

/** A tool definition (TOOL-02). */
export interface ToolConfig<In extends AnySchema | undefined = AnySchema | undefined, Out extends AnySchema | undefined = AnySchema | undefined> {
  /** Human-readable name (25-06+). */
  title?: string;
  description?: string;
  /** Argument schema; omit for a tool without arguments. */
  inputSchema?: In;
  /** Structured output schema (25-06+); results must then carry conforming `structuredContent` (TOOL-04). */
  outputSchema?: Out;
  annotations?: ToolAnnotations;
  icons?: Icon[];
  _meta?: Record<string, unknown>;
  /**
   * Arguments mirrored in HTTP headers (2026-07-28, HDR-06): property path (`region`, `location.region`) to header
   * name (`Region` → `Mcp-Param-Region`). Sets `x-mcp-header` in the published input schema; a schema can also
   * carry `x-mcp-header` itself. Only string, integer and boolean properties qualify (HDR-07).
   */
  headers?: Record<string, string>;
  /** Whether and how calls run as tasks (2026 tasks extension). Default: never. */
  task?: ToolTaskConfig;
  /**
   * OAuth scopes a caller must hold, checked against `authInfo.scopes` before the tool runs (or becomes a task).
   * A caller without them gets HTTP 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`
   * (401 when the request carried no `authInfo`), so that its client can ask for them and retry (AUTH-06).
   */
  scopes?: readonly string[];
}

/** A tool handler: arguments (validated) and the context. */
export type ToolHandler<In> = (args: In, ctx: HandlerContext) => MaybePromise<CallToolResult | InputRequired>;

/** A resource definition. */
export interface ResourceConfig {
  /** Caching hint for 2026-07-28 `resources/read` results; default: the server's `cache`. */
  cache?: CacheHint;
  title?: string;
  description?: string;
  mimeType?: string;
  size?: number;
  icons?: Icon[];
  annotations?: ContentAnnotations;
  _meta?: Record<string, unknown>;
}

/** The result of `resources/read`. */
export interface ReadResourceResult { contents: ResourceContents[]; _meta?: Record<string, unknown> }

/** Reads a fixed resource. */
export type ResourceHandler = (uri: string, ctx: HandlerContext) => MaybePromise<ReadResourceResult | InputRequired>;

/** Completes a value: returns candidates for what the user typed so far. */
export type Completer = (value: string, context: { arguments: Record<string, string> }) => MaybePromise<string[]>;

/** A resource template definition. */
export interface ResourceTemplateConfig extends ResourceConfig {
  /** Completion of template variables by name (`completion/complete` with `ref/resource`). */
  complete?: Record<string, Completer>;
  /** Lists concrete resources of this template for `resources/list`. */
  list?: (ctx: HandlerContext) => MaybePromise<Array<{ uri: string; name: string } & ResourceConfig>>;
}

/** Reads a templated resource: the URI and the matched variables. */
export type ResourceTemplateHandler = (
  uri: string,
  variables: Record<string, string | string[]>,
  ctx: HandlerContext,
) => MaybePromise<ReadResourceResult | InputRequired>;

/** One prompt argument. */
export interface PromptArgument {
  name: string;
  title?: string;
  description?: string;
  required?: boolean;
  /** Completion for this argument. */
  complete?: Completer;
}

/** A prompt definition. */
export interface PromptConfig {
  title?: string;
  description?: string;
  arguments?: PromptArgument[];
  icons?: Icon[];
  _meta?: Record<string, unknown>;
}

/** A prompt message. */
export interface PromptMessage { role: 'user' | 'assistant'; content: ContentBlock }

/** The result of `prompts/get`. */
export interface GetPromptResult { description?: string; messages: PromptMessage[]; _meta?: Record<string, unknown> }

/** Renders a prompt from its (string) arguments. */
export type PromptHandler = (args: Record<string, string>, ctx: HandlerContext) => MaybePromise<GetPromptResult | InputRequired>;

/** What `tool()`, `resource()`, `prompt()` return: remove the registration at run time (sends `list_changed`). */
export interface Registration {
  /** Unregisters it. */
  remove(): void;
}
