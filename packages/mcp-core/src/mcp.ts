/**
 * @module The server's public shape: {@link McpOptions}, {@link Mcp} and {@link McpStats}, shared by `createMcp` and
 * `createLeanMcp`.
 */
import type { EventStore } from './events/index';
import type { Allowlist } from './http/guards';
import type { McpEvent, NotificationBus } from './bus/index';
import type { TaskStore } from './tasks/store';
import type { RequestStateOptions } from './mrtr/request-state';
import type { Observe } from './server/observe';
import type { AuthOptions } from './server/scopes';
import type { SessionStore } from './session/index';
import type {
  AnySchema,
  CacheHint,
  Icon,
  InferOutput,
  PromptConfig,
  PromptHandler,
  Registration,
  ResourceConfig,
  ResourceHandler,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  ToolConfig,
  ToolHandler,
} from './server/types';
import type { FetchHandler } from './types';

/** Options of {@link createMcp}. */
export interface McpOptions {
  /** Server name (`serverInfo.name`). */
  name: string;
  /** Server version (`serverInfo.version`). */
  version: string;
  /** Display name. */
  title?: string;
  /** One-line description (2025-11-25). */
  description?: string;
  /** Server icons (2025-11-25). */
  icons?: Icon[];
  /** Server home page (2025-11-25). */
  websiteUrl?: string;
  /** Instructions for the model, sent in the initialize result and the `server/discover` result. */
  instructions?: string;
  /**
   * Path of the MCP endpoint; requests to other paths get 404. It matches at the end of the request path, so the
   * handler works under a mount prefix (`/api/mcp`). `null` serves every path (for embedders that route themselves).
   * Default `/mcp`.
   */
  endpoint?: string | null;
  /** Host header allowlist (DNS-rebinding protection): hostnames or `host:port`. Default: loopback names. `'*'` disables. */
  allowedHosts?: Allowlist;
  /** Origin allowlist: origins or hostnames. Default: loopback names. Requests without Origin pass. `'*'` disables. */
  allowedOrigins?: Allowlist;
  /** Request body limit in bytes (413 past it). Default 4 MiB. */
  maxBodyBytes?: number;
  /** Items per page of list results. Default 100. */
  pageSize?: number;
  /** SSE keep-alive comment period in ms; 0 disables. Default 15 000. */
  keepAliveMs?: number;
  /** Bytes an SSE connection may hold for a slow reader before it is dropped (its stream stays resumable). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** How long a handler waits for a client's answer (elicitation, sampling, roots). Default 60 000 ms. */
  clientRequestTimeoutMs?: number;
  /** The SSE `retry` hint (ms) sent to 2025-11-25 clients with the priming event. Default 1000. */
  retryMs?: number;
  /** Legacy sessions. */
  sessions?: {
    /** Where session records live. Default: in memory. */
    store?: SessionStore;
    /** A session with no request and no open stream for this long expires. Default 30 min. */
    idleTimeoutMs?: number;
    /** Live sessions allowed; past it `initialize` gets 503 with Retry-After. Default 10 000. */
    maxSessions?: number;
  };
  /**
   * The legacy HTTP+SSE transport of 2024-11-05 (GET stream + POST messages), served beside the Streamable HTTP
   * endpoint. Paths match at the end of the request path, so a mount prefix works. `false` turns it off.
   * Default `{ ssePath: '/sse', messagesPath: '/messages' }`.
   */
  legacySse?: { ssePath?: string; messagesPath?: string } | false;
  /** Event store for `Last-Event-ID` resumability; `false` turns resumability off. Default: bounded in memory. */
  eventStore?: EventStore | false;
  /**
   * Caching hint on 2026-07-28 cacheable results (`server/discover`, the lists, `resources/read`; CACHE-01) that
   * have none of their own (a resource's `cache`). Default `{ ttlMs: 0, scope: 'private' }`: always revalidate, and
   * never share across users.
   */
  cache?: CacheHint;
  /**
   * Sealing of the 2026-07-28 multi round-trip `requestState` (MRTR-05). Give every process of one deployment the
   * same `secret` (at least 32 bytes), or a retry that reaches another process is refused. `singleUse` makes each
   * state open once. Default: a random per-process secret, a 10-minute lifetime, replays allowed.
   */
  requestState?: RequestStateOptions;
  /**
   * Carries change notifications (list changes, resource updates) to 2025 sessions and 2026 listen streams. Give
   * processes a shared bus (Redis pub/sub, say) to reach clients connected elsewhere. Default: in memory.
   */
  bus?: NotificationBus;
  /** Open `subscriptions/listen` streams allowed; past it a listen gets 503 with Retry-After. Default 10 000. */
  maxListenStreams?: number;
  /**
   * Tool calls that run as tasks (tools registered with `task`). `store` holds the task records (give processes a
   * shared one, Redis say, so any of them answers `tasks/get`; the handler itself runs in the process that started
   * it). Defaults: in memory (10 000 tasks), `ttlMs` 1 hour, `pollIntervalMs` 1000.
   */
  tasks?: { store?: TaskStore; ttlMs?: number; pollIntervalMs?: number };
  /** Receives unexpected errors (handler bugs, store failures). Default: `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * Instrumentation: called before every handler run (tools, resources, prompts, completion, the lists,
   * `logging/setLevel`, `ping`), in both eras and in each run of a task, with what runs. It may return
   * `{ run, end }`: `run(fn)` runs the handler (inside a tracing context, say) and `end(outcome)` hears how it ended.
   * What it throws goes to `onError` and never changes the request. `createLeanMcp` and `createStatelessMcp` need
   * the `withObserve` feature for it. See docs/observability.md.
   */
  observe?: Observe;
  /**
   * Step-up authorization (AUTH-06): `resourceMetadata`, the URL of this server's Protected Resource Metadata,
   * named in the `WWW-Authenticate` challenge of a refused scope (a tool's `scopes`, or an InsufficientScopeError a
   * handler throws); `covers(granted, required)` for scope hierarchies. The core still does not authenticate:
   * pass `authInfo` with the token's scopes. See docs/security.md.
   */
  auth?: AuthOptions;
}

/** Live counts, for monitoring and leak checks. */
export interface McpStats {
  /** Live legacy sessions. */
  sessions: number;
  /** Open SSE connections: session streams and stateless request streams (listen streams count in `listenStreams`). */
  connections: number;
  /** Requests being handled. */
  inflight: number;
  /** Server-to-client requests waiting for an answer (each holds a timer). */
  pendingClientRequests: number;
  /** Open 2026-07-28 `subscriptions/listen` streams. */
  listenStreams: number;
  /** Task handlers running or waiting for input in this process. */
  tasks: number;
  /**
   * Timers the server holds: the expiry sweeper, one per pending client request, one keep-alive per session
   * connection, per stateless SSE response and per listen stream, one expiry timer per task of this process.
   */
  timers: number;
  /** Events buffered for resumption (in-memory event store only; 0 otherwise). */
  bufferedEvents: number;
}

/** The server: register features, then serve `handle`. */
export interface Mcp {
  /** The fetch handler: `export default { fetch: mcp.handle }` on Bun or Deno; adapters call it too. Bound. */
  readonly handle: FetchHandler;
  /**
   * Registers a tool.
   * @example
   * ```ts
   * mcp.tool('echo', { inputSchema: v.object({ text: v.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
   * ```
   */
  tool<In extends AnySchema | undefined = undefined, Out extends AnySchema | undefined = undefined>(
    name: string,
    config: ToolConfig<In, Out>,
    handler: ToolHandler<In extends AnySchema ? InferOutput<In> : Record<string, never>>,
  ): Registration;
  /** Registers a fixed resource. */
  resource(name: string, uri: string, config: ResourceConfig, handler: ResourceHandler): Registration;
  /** Registers a resource template (RFC 6570). */
  resourceTemplate(name: string, uriTemplate: string, config: ResourceTemplateConfig, handler: ResourceTemplateHandler): Registration;
  /** Registers a prompt. */
  prompt(name: string, config: PromptConfig, handler: PromptHandler): Registration;
  /** Tells subscribed clients that a resource changed (`notifications/resources/updated`), through the bus. */
  resourceUpdated(uri: string): void;
  /**
   * Announces a change through the bus: to 2025 sessions (their GET stream) and to 2026 listen streams that asked
   * for it. Rejects when the event is invalid or the bus fails. Registering or removing a tool, resource or prompt announces itself; use this for changes the server
   * cannot see (a tool's behaviour depends on a database, say).
   */
  publish(event: McpEvent): Promise<void>;
  /** Live counts. */
  stats(): McpStats;
  /** Ends every session and releases every timer and stream; later requests get 503. */
  close(): Promise<void>;
}
