/**
 * The registry of tools, resources, resource templates and prompts: built once, listed from precomputed pages,
 * invalidated only when a registration changes (and then `list_changed` goes out).
 */
import { RawJson } from '../jsonrpc/serialize';
import { convertSchema } from '../schema/to-json-schema';
import type { ValibotConverter } from '../schema/valibot-json-schema';
import type { UriTemplate } from '../uri-template/index';
import { headerParamsOf, withHeaderParams } from '../http/mirror-headers';
import type { HeaderParam } from '../http/mirror-headers';
import { encodeCursor, decodeCursor } from './pagination';
import type {
  AnySchema,
  CacheHint,
  PromptConfig,
  PromptHandler,
  ResourceConfig,
  ResourceHandler,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  ToolConfig,
  ToolHandler,
  ToolTaskConfig,
} from './types';

/** A registered tool. */
export interface ToolEntry {
  readonly name: string;
  readonly wire: Record<string, unknown>;
  readonly input: AnySchema | undefined;
  readonly output: AnySchema | undefined;
  readonly handler: ToolHandler<any>;
  /** Arguments mirrored in `Mcp-Param-*` headers (HDR-06); undefined when none. */
  readonly headerParams: readonly HeaderParam[] | undefined;
  /** Task settings; undefined when the tool never runs as a task. */
  readonly task: ToolTaskConfig | undefined;
  /** Scopes a caller must hold (AUTH-06); undefined when the tool needs none. */
  readonly scopes: readonly string[] | undefined;
}
/** A registered fixed resource. */
export interface ResourceEntry {
  readonly uri: string;
  readonly wire: Record<string, unknown>;
  readonly handler: ResourceHandler;
  readonly cache: CacheHint | undefined;
}
/** A registered resource template. */
export interface TemplateEntry {
  readonly name: string;
  readonly template: UriTemplate;
  readonly config: ResourceTemplateConfig;
  readonly wire: Record<string, unknown>;
  readonly handler: ResourceTemplateHandler;
}
/** A registered prompt. */
export interface PromptEntry {
  readonly name: string;
  readonly config: PromptConfig;
  readonly wire: Record<string, unknown>;
  readonly handler: PromptHandler;
}

/** Which list changed. */
export type ListKind = 'tools' | 'resources' | 'prompts';

const TOOL_NAME = /^[A-Za-z0-9_.\/-]{1,128}$/;

const defined = (o: Record<string, unknown>): Record<string, unknown> => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

/** Pages of one list, serialised once. */
type Pages = RawJson[];

/** Which list. */
export type ListName = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/**
 * Fields a revision does not know are left out of its lists (TOOL-02): `annotations` came in 2025-03-26,
 * `title`, `outputSchema` and `_meta` in 2025-06-18, `icons` and `execution` in 2025-11-25.
 */
const FIELD_SINCE: Readonly<Record<string, string>> = {
  annotations: '2025-03-26',
  title: '2025-06-18',
  outputSchema: '2025-06-18',
  _meta: '2025-06-18',
  icons: '2025-11-25',
  execution: '2025-11-25',
};
const TIERS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
/** The stateless revision: its list results carry resultType, caching fields and serverInfo (JR-14, CACHE-01). */
const MODERN_TIER = '2026-07-28';
const tierOf = (version: string): string => TIERS.find((t) => version >= t) ?? '2024-11-05';

/** Fields a later revision dropped: 2026-07-28 has no `execution` (tasks moved to an extension, TKX-10). */
const FIELD_UNTIL: Readonly<Record<string, string>> = { execution: '2026-07-28' };

const shapeFor = (item: Record<string, unknown>, tier: string, list: ListName): Record<string, unknown> => {
  let out: Record<string, unknown> | undefined;
  for (const key in item) {
    const until = FIELD_UNTIL[key];
    if (until !== undefined && tier >= until) {
      out ??= { ...item };
      delete out[key];
      continue;
    }
    const since = FIELD_SINCE[key];
    // Resource annotations predate tool annotations.
    if (since !== undefined && tier < since && !(key === 'annotations' && list !== 'tools')) {
      out ??= { ...item };
      delete out[key];
    }
  }
  return out ?? item;
};

/**
 * Checks a caching hint (CACHE-01: ttlMs an integer >= 0, cacheScope public or private).
 * @param where What it belongs to, for the message.
 * @param hint The hint.
 * @returns The hint.
 */
export function checkCacheHint(where: string, hint: CacheHint | undefined): CacheHint | undefined {
  if (hint === undefined) return undefined;
  if (hint.ttlMs !== undefined && (!Number.isSafeInteger(hint.ttlMs) || hint.ttlMs < 0)) {
    throw new RangeError(`${where}: cache.ttlMs must be an integer >= 0, got ${hint.ttlMs} (CACHE-01)`);
  }
  if (hint.scope !== undefined && hint.scope !== 'public' && hint.scope !== 'private') {
    throw new RangeError(`${where}: cache.scope must be "public" or "private", got ${JSON.stringify(hint.scope)} (CACHE-01)`);
  }
  return hint;
}

/**
 * Checks a tool's task settings at registration (§8): a known support value, positive integer times.
 * @param tool The tool name, for the message.
 * @param task The settings.
 */
function checkTaskConfig(tool: string, task: ToolTaskConfig | undefined): void {
  if (task === undefined) return;
  if (task.support !== undefined && !['forbidden', 'optional', 'required'].includes(task.support)) {
    throw new TypeError(`Tool "${tool}": task.support must be "forbidden", "optional" or "required", got ${JSON.stringify(task.support)}`);
  }
  if (task.start !== undefined && task.start !== 'immediately' && task.start !== 'explicit') {
    throw new TypeError(`Tool "${tool}": task.start must be "immediately" or "explicit", got ${JSON.stringify(task.start)}`);
  }
  for (const k of ['ttlMs', 'pollIntervalMs'] as const) {
    const n = task[k];
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) throw new RangeError(`Tool "${tool}": task.${k} must be a positive integer, got ${n}`);
  }
}

/** What a server was built with beyond the base (`createMcp` has all of it; `createLeanMcp` what it was given). */
export interface RegistryFeatures {
  /** Parses an RFC 6570 URI template (`withResourceTemplates`). */
  readonly compileTemplate?: (template: string) => UriTemplate;
  /** Converts plain valibot schemas to JSON Schema (`withValibotJsonSchema`). */
  readonly valibot?: ValibotConverter;
  /** Whether tools may run as tasks (`withTasks`). */
  readonly tasks?: boolean;
  /** Checks a tool's `scopes` (`withScopes`). */
  readonly scopes?: (owner: string, scopes: unknown) => readonly string[] | undefined;
}

/**
 * Holds every registration; lists come from pages computed once per change.
 */
export class Registry {
  readonly tools = new Map<string, ToolEntry>();
  #scopedTools = 0;
  readonly resources = new Map<string, ResourceEntry>();
  readonly templates = new Map<string, TemplateEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  #pages = new Map<string, Pages>();

  /**
   * Fields every 2026-07-28 list page carries besides the items (resultType, ttlMs, cacheScope, _meta); CACHE-02:
   * one cacheScope for all pages of a list.
   */
  modernPageFields: Record<string, unknown> = { resultType: 'complete' };

  /**
   * @param pageSize Items per list page.
   * @param onChange Called after a registration changes.
   * @param features What the server was built with beyond the base; registrations that need a missing one throw.
   */
  constructor(
    private readonly pageSize: number,
    private readonly onChange: (kind: ListKind) => void,
    private readonly features: RegistryFeatures = {},
  ) {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  }

  /** How many registered tools have `scopes`: while none has, no call needs a scope check. */
  get scopedTools(): number {
    return this.#scopedTools;
  }

  /** Adds a tool; names are unique. */
  addTool(name: string, config: ToolConfig, handler: ToolHandler<any>): () => void {
    if (!TOOL_NAME.test(name)) throw new TypeError(`Tool name "${name}" must be 1-128 characters of A-Z a-z 0-9 _ . / - (TOOL-02)`);
    if (this.tools.has(name)) throw new TypeError(`Tool "${name}" is already registered`);
    const raw = config.inputSchema as Record<string, unknown> | undefined;
    if (raw !== undefined && !('~standard' in raw) && raw.type !== 'object') {
      throw new TypeError(`Tool "${name}": a raw JSON Schema inputSchema must have type "object" (TOOL-02)`);
    }
    let inputSchema = config.inputSchema === undefined ? { type: 'object', properties: {} } : convertSchema(config.inputSchema, 'input', this.features.valibot);
    if (config.headers !== undefined) inputSchema = withHeaderParams(name, inputSchema, config.headers);
    const headerParams = headerParamsOf(name, inputSchema);
    checkTaskConfig(name, config.task);
    const checkScopes = this.features.scopes;
    if (config.scopes !== undefined && checkScopes === undefined) {
      throw new TypeError(`Tool "${name}" has scopes, and this server has no step-up authorization: build it with createMcp, or add withScopes to its features (createLeanMcp, createStatelessMcp)`);
    }
    const scopes = checkScopes?.(`Tool "${name}"`, config.scopes);
    if (config.task !== undefined && (config.task.support ?? 'forbidden') !== 'forbidden' && this.features.tasks !== true) {
      throw new TypeError(`Tool "${name}" runs as a task, and this server has no tasks: build it with createMcp, or add withTasks to its features (createLeanMcp, createStatelessMcp)`);
    }
    const wire = defined({
      name,
      title: config.title,
      description: config.description,
      inputSchema,
      outputSchema: config.outputSchema === undefined ? undefined : convertSchema(config.outputSchema, 'output', this.features.valibot),
      annotations: config.annotations,
      icons: config.icons,
      // TK1-01: 2025-11-25 sessions learn a tool's task support from its listing.
      execution: config.task?.support === undefined || config.task.support === 'forbidden' ? undefined : { taskSupport: config.task.support },
      _meta: config._meta,
    });
    const entry: ToolEntry = {
      name,
      wire,
      input: config.inputSchema,
      output: config.outputSchema,
      handler,
      headerParams: headerParams.length > 0 ? headerParams : undefined,
      task: config.task === undefined || (config.task.support ?? 'forbidden') === 'forbidden' ? undefined : config.task,
      scopes,
    };
    this.tools.set(name, entry);
    if (scopes !== undefined) this.#scopedTools++;
    this.#changed('tools');
    return () => {
      if (this.tools.get(name) === entry) {
        this.tools.delete(name);
        if (scopes !== undefined) this.#scopedTools--;
        this.#changed('tools');
      }
    };
  }

  /** Adds a fixed resource; URIs are unique. */
  addResource(name: string, uri: string, config: ResourceConfig, handler: ResourceHandler): () => void {
    if (this.resources.has(uri)) throw new TypeError(`Resource "${uri}" is already registered`);
    const { cache, ...meta } = config;
    checkCacheHint(`Resource "${uri}"`, cache);
    const entry: ResourceEntry = { uri, wire: defined({ uri, name, ...meta }), handler, cache };
    this.resources.set(uri, entry);
    this.#changed('resources');
    return () => {
      if (this.resources.get(uri) === entry) {
        this.resources.delete(uri);
        this.#changed('resources');
      }
    };
  }

  /** Adds a resource template; names are unique. */
  addTemplate(name: string, uriTemplate: string, config: ResourceTemplateConfig, handler: ResourceTemplateHandler): () => void {
    if (this.templates.has(name)) throw new TypeError(`Resource template "${name}" is already registered`);
    const { complete: _c, list: _l, cache: _h, ...meta } = config;
    checkCacheHint(`Resource template "${name}"`, config.cache);
    const compile = this.features.compileTemplate;
    if (compile === undefined) {
      throw new TypeError(
        `Resource template "${name}": this server has no URI templates: build it with createMcp, or add withResourceTemplates to its features (createLeanMcp, createStatelessMcp)`,
      );
    }
    const entry: TemplateEntry = {
      name,
      template: compile(uriTemplate),
      config,
      wire: defined({ uriTemplate, name, ...meta }),
      handler,
    };
    this.templates.set(name, entry);
    this.#changed('resources');
    return () => {
      if (this.templates.get(name) === entry) {
        this.templates.delete(name);
        this.#changed('resources');
      }
    };
  }

  /** Adds a prompt; names are unique. */
  addPrompt(name: string, config: PromptConfig, handler: PromptHandler): () => void {
    if (this.prompts.has(name)) throw new TypeError(`Prompt "${name}" is already registered`);
    const args = config.arguments?.map(({ complete: _c, ...a }) => defined({ ...a }));
    const entry: PromptEntry = {
      name,
      config,
      wire: defined({ name, title: config.title, description: config.description, arguments: args, icons: config.icons, _meta: config._meta }),
      handler,
    };
    this.prompts.set(name, entry);
    this.#changed('prompts');
    return () => {
      if (this.prompts.get(name) === entry) {
        this.prompts.delete(name);
        this.#changed('prompts');
      }
    };
  }

  /**
   * One page of a list, as pre-serialised JSON, built once per change and per revision shape.
   * @param list Which list.
   * @param cursor The request's cursor.
   * @param version The protocol revision the list is for (default: the newest shape).
   * @returns The page's result.
   */
  page(list: ListName, cursor: unknown, version = '2025-11-25'): RawJson {
    const tier = tierOf(version);
    const key = `${list}@${tier}`;
    let pages = this.#pages.get(key);
    if (pages === undefined) {
      pages = this.#build(list, tier);
      this.#pages.set(key, pages);
    }
    return pages[decodeCursor(cursor, pages.length)]!;
  }

  #build(list: ListName, tier: string): Pages {
    const source =
      list === 'tools' ? this.tools : list === 'resources' ? this.resources : list === 'prompts' ? this.prompts : this.templates;
    const items: Record<string, unknown>[] = [];
    for (const e of source.values()) items.push(shapeFor(e.wire, tier, list));
    const pages: Pages = [];
    const n = Math.max(1, Math.ceil(items.length / this.pageSize));
    for (let i = 0; i < n; i++) {
      const slice = items.slice(i * this.pageSize, (i + 1) * this.pageSize);
      const result: Record<string, unknown> = { [list]: slice };
      if (i + 1 < n) result.nextCursor = encodeCursor(i + 1);
      if (tier === MODERN_TIER) Object.assign(result, this.modernPageFields);
      pages.push(new RawJson(JSON.stringify(result)));
    }
    return pages;
  }

  #changed(kind: ListKind): void {
    const stale: string[] = kind === 'resources' ? ['resources', 'resourceTemplates'] : [kind];
    for (const key of [...this.#pages.keys()]) if (stale.includes(key.slice(0, key.indexOf('@')))) this.#pages.delete(key);
    this.onChange(kind);
  }
}
