/**
 * The registry of tools, resources, resource templates and prompts: built once, listed from precomputed pages,
 * invalidated only when a registration changes (and then `list_changed` goes out).
 */
import { RawJson } from '../jsonrpc/serialize';
import { toJsonSchema } from '../schema/index';
import { UriTemplate } from '../uri-template/index';
import { encodeCursor, decodeCursor } from './pagination';
import type {
  AnySchema,
  PromptConfig,
  PromptHandler,
  ResourceConfig,
  ResourceHandler,
  ResourceTemplateConfig,
  ResourceTemplateHandler,
  ToolConfig,
  ToolHandler,
} from './types';

/** A registered tool. */
export interface ToolEntry {
  readonly name: string;
  readonly wire: Record<string, unknown>;
  readonly input: AnySchema | undefined;
  readonly output: AnySchema | undefined;
  readonly handler: ToolHandler<any>;
}
/** A registered fixed resource. */
export interface ResourceEntry {
  readonly uri: string;
  readonly wire: Record<string, unknown>;
  readonly handler: ResourceHandler;
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

/**
 * Holds every registration; lists come from pages computed once per change.
 */
export class Registry {
  readonly tools = new Map<string, ToolEntry>();
  readonly resources = new Map<string, ResourceEntry>();
  readonly templates = new Map<string, TemplateEntry>();
  readonly prompts = new Map<string, PromptEntry>();
  #pages = new Map<string, Pages>();

  /**
   * @param pageSize Items per list page.
   * @param onChange Called after a registration changes.
   */
  constructor(
    private readonly pageSize: number,
    private readonly onChange: (kind: ListKind) => void,
  ) {}

  /** Adds a tool; names are unique. */
  addTool(name: string, config: ToolConfig, handler: ToolHandler<any>): () => void {
    if (!TOOL_NAME.test(name)) throw new TypeError(`Tool name "${name}" must be 1-128 characters of A-Z a-z 0-9 _ . / - (TOOL-02)`);
    if (this.tools.has(name)) throw new TypeError(`Tool "${name}" is already registered`);
    const wire = defined({
      name,
      title: config.title,
      description: config.description,
      inputSchema: config.inputSchema === undefined ? { type: 'object', properties: {} } : toJsonSchema(config.inputSchema, 'input'),
      outputSchema: config.outputSchema === undefined ? undefined : toJsonSchema(config.outputSchema, 'output'),
      annotations: config.annotations,
      icons: config.icons,
      _meta: config._meta,
    });
    const entry: ToolEntry = { name, wire, input: config.inputSchema, output: config.outputSchema, handler };
    this.tools.set(name, entry);
    this.#changed('tools');
    return () => {
      if (this.tools.get(name) === entry) {
        this.tools.delete(name);
        this.#changed('tools');
      }
    };
  }

  /** Adds a fixed resource; URIs are unique. */
  addResource(name: string, uri: string, config: ResourceConfig, handler: ResourceHandler): () => void {
    if (this.resources.has(uri)) throw new TypeError(`Resource "${uri}" is already registered`);
    const entry: ResourceEntry = { uri, wire: defined({ uri, name, ...config }), handler };
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
    const { complete: _c, list: _l, ...meta } = config;
    const entry: TemplateEntry = {
      name,
      template: new UriTemplate(uriTemplate),
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
   * One page of a list, as pre-serialised JSON (built once per change).
   * @param list Which list.
   * @param cursor The request's cursor.
   * @returns The page's result.
   */
  page(list: 'tools' | 'resources' | 'resourceTemplates' | 'prompts', cursor: unknown): RawJson {
    let pages = this.#pages.get(list);
    if (pages === undefined) {
      pages = this.#build(list);
      this.#pages.set(list, pages);
    }
    return pages[decodeCursor(cursor, pages.length)]!;
  }

  #build(list: 'tools' | 'resources' | 'resourceTemplates' | 'prompts'): Pages {
    const source =
      list === 'tools' ? this.tools : list === 'resources' ? this.resources : list === 'prompts' ? this.prompts : this.templates;
    const items: Record<string, unknown>[] = [];
    for (const e of source.values()) items.push(e.wire);
    const pages: Pages = [];
    const n = Math.max(1, Math.ceil(items.length / this.pageSize));
    for (let i = 0; i < n; i++) {
      const slice = items.slice(i * this.pageSize, (i + 1) * this.pageSize);
      const result: Record<string, unknown> = { [list]: slice };
      if (i + 1 < n) result.nextCursor = encodeCursor(i + 1);
      pages.push(new RawJson(JSON.stringify(result)));
    }
    return pages;
  }

  #changed(kind: ListKind): void {
    if (kind === 'tools') this.#pages.delete('tools');
    else if (kind === 'prompts') this.#pages.delete('prompts');
    else {
      this.#pages.delete('resources');
      this.#pages.delete('resourceTemplates');
    }
    this.onChange(kind);
  }
}
