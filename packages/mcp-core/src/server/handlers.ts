/**
 * The method table: one function per MCP method the server answers (checklist §9).
 */
import { McpError, isMcpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import {
  CallToolParams,
  CompleteParams,
  GetPromptParams,
  ListParams,
  SetLevelParams,
  UriParams,
  parseParams,
} from '../protocol/params';
import { atLeast } from '../protocol/versions';
import { validateWithSchema } from '../schema/index';
import type { SchemaIssue, ValidationResult } from '../schema/index';
import type { Call } from './call';
import { isInputPending, isInputRequired, withInput } from './mrtr';
import type { InputRequired } from './mrtr';
import type { Registry, ToolEntry } from './registry';
import type { CallToolResult, ReadResourceResult } from './types';
import type { MaybePromise } from '../types';
import { isThenable } from '../thenable';

/** A method implementation. */
export type MethodHandler = (registry: Registry, params: Record<string, unknown> | undefined, call: Call) => unknown;

const MAX_COMPLETIONS = 100;


const describeIssues = (issues: SchemaIssue[]): string => issues.map((i) => `${i.path || '/'}: ${i.message}`).join('\n');

/** Where the JSON-pointer list of an argument validation failure travels in `_meta`. */
export const VALIDATION_ERRORS_META = 'x-mcp/validationErrors';

/**
 * Argument validation failure (TOOL-05, TRAP-27): an isError result from 2025-11-25, a -32602 before it.
 * The JSON-pointer list goes in `_meta` always, and in `structuredContent` only when the tool declares no
 * outputSchema (a structuredContent must conform to it, TOOL-04, and clients check that even on errors).
 */
function invalidArguments(name: string, issues: SchemaIssue[], version: string, hasOutputSchema: boolean): CallToolResult {
  if (!atLeast(version, '2025-11-25')) {
    throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for tool "${name}": ${issues[0]?.path}: ${issues[0]?.message}`, { errors: issues });
  }
  const result: CallToolResult = {
    content: [{ type: 'text', text: `Invalid arguments for tool "${name}":\n${describeIssues(issues)}` }],
    isError: true,
    _meta: { [VALIDATION_ERRORS_META]: issues },
  };
  if (!hasOutputSchema) result.structuredContent = { errors: issues };
  return result;
}

/**
 * `tools/call` (TOOL-03..05): without a promise when the schemas validate synchronously and the tool answers at
 * once (the usual call), else through the promises they return.
 */
function callTool(registry: Registry, params: Record<string, unknown> | undefined, call: Call): MaybePromise<CallToolResult | InputRequired> {
  const p = parseParams(CallToolParams, params);
  const tool = registry.tools.get(p.name);
  if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${p.name}"`, { name: p.name });
  const args: unknown = p.arguments ?? {};
  if (tool.input === undefined) return runTool(tool, p.name, args, call);
  const r = validateWithSchema<unknown>(tool.input, args, '/arguments');
  const validated = (v: ValidationResult<unknown>) =>
    v.ok ? runTool(tool, p.name, v.value, call) : invalidArguments(p.name, v.issues, call.version, tool.output !== undefined);
  return isThenable(r) ? Promise.resolve(r).then(validated) : validated(r);
}

/** Runs a tool on validated arguments: a thrown error becomes an isError result (TOOL-05), then the output is checked. */
function runTool(tool: ToolEntry, name: string, args: unknown, call: Call): MaybePromise<CallToolResult | InputRequired> {
  const failed = (error: unknown): CallToolResult => {
    if (isMcpError(error)) throw error;
    // An execution failure is a result the model can read, not a protocol error (TOOL-05).
    const message = error instanceof Error ? error.message : String(error);
    return { content: [{ type: 'text', text: message || 'Tool execution failed' }], isError: true };
  };
  let out: MaybePromise<CallToolResult | InputRequired>;
  try {
    out = withInput(call.ctx, () => tool.handler(args, call.ctx)) as MaybePromise<CallToolResult | InputRequired>;
  } catch (error) {
    return failed(error);
  }
  if (isThenable(out)) return Promise.resolve(out).then((result) => checkToolResult(tool, name, result), failed);
  return checkToolResult(tool, name, out);
}

/** TOOL-04: a result has a content array, and its structuredContent matches the outputSchema the tool declares. */
function checkToolResult(tool: ToolEntry, name: string, result: CallToolResult | InputRequired): MaybePromise<CallToolResult | InputRequired> {
  if (isInputRequired(result)) return result;
  if (typeof result !== 'object' || result === null || !Array.isArray(result.content)) {
    throw new McpError(ErrorCode.InternalError, `Tool "${name}" returned a result without a content array`);
  }
  if (tool.output === undefined || result.isError) return result;
  if (result.structuredContent === undefined) {
    throw new McpError(ErrorCode.InternalError, `Tool "${name}" has an outputSchema but returned no structuredContent (TOOL-04)`);
  }
  const r = validateWithSchema<Record<string, unknown>>(tool.output, result.structuredContent, '/structuredContent');
  const checked = (v: ValidationResult<Record<string, unknown>>) => {
    if (!v.ok) throw new McpError(ErrorCode.InternalError, `Tool "${name}" returned structuredContent that does not match its outputSchema`, { errors: v.issues });
    return result;
  };
  return isThenable(r) ? Promise.resolve(r).then(checked) : checked(r);
}

function listResources(registry: Registry, params: Record<string, unknown> | undefined, call: Call): unknown {
  const p = parseParams(ListParams, params);
  let dynamic = false;
  for (const t of registry.templates.values()) if (t.config.list) dynamic = true;
  if (!dynamic) return registry.page('resources', p?.cursor, call.version);
  if (p?.cursor !== undefined) throw new McpError(ErrorCode.InvalidParams, 'Invalid or expired cursor', { cursor: p.cursor });
  return (async () => {
    const resources: unknown[] = [];
    for (const r of registry.resources.values()) resources.push(r.wire);
    for (const t of registry.templates.values()) {
      if (!t.config.list) continue;
      try {
        // `cache` belongs to reads, not to list entries.
        for (const { cache: _cache, ...item } of await t.config.list(call.ctx)) resources.push(item);
      } catch (error) {
        // TRAP-26: a list never answers input_required; say so rather than "Internal error".
        if (isInputPending(error)) throw new McpError(ErrorCode.InternalError, `Resource template "${t.name}": list() cannot ask the client for input`);
        throw error;
      }
    }
    return { resources };
  })();
}

async function readResource(registry: Registry, params: Record<string, unknown> | undefined, call: Call): Promise<ReadResourceResult | InputRequired> {
  const { uri } = parseParams(UriParams, params);
  const fixed = registry.resources.get(uri);
  if (fixed !== undefined) {
    call.cache = fixed.cache;
    return withInput(call.ctx, () => fixed.handler(uri, call.ctx));
  }
  for (const t of registry.templates.values()) {
    const vars = t.template.match(uri);
    if (vars !== undefined) {
      call.cache = t.config.cache;
      return withInput(call.ctx, () => t.handler(uri, vars, call.ctx));
    }
  }
  // ERR-02: -32002 with the uri up to 2025-11-25; 2026-07-28 uses -32602 and never an empty contents (RES-02).
  const code = call.version >= '2026-07-28' ? ErrorCode.InvalidParams : ErrorCode.ResourceNotFound;
  throw new McpError(code, `Resource not found: ${uri}`, { uri });
}

async function getPrompt(registry: Registry, params: Record<string, unknown> | undefined, call: Call): Promise<unknown> {
  const p = parseParams(GetPromptParams, params);
  const prompt = registry.prompts.get(p.name);
  if (prompt === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt "${p.name}"`, { name: p.name });
  const args = p.arguments ?? {};
  const missing = (prompt.config.arguments ?? []).filter((a) => a.required && args[a.name] === undefined).map((a) => a.name);
  if (missing.length > 0) {
    throw new McpError(ErrorCode.InvalidParams, `Prompt "${p.name}" is missing required argument${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { missing });
  }
  return withInput(call.ctx, () => prompt.handler(args, call.ctx));
}

async function complete(registry: Registry, params: Record<string, unknown> | undefined): Promise<unknown> {
  const p = parseParams(CompleteParams, params);
  const context = { arguments: p.context?.arguments ?? {} };
  let completer;
  if (p.ref.type === 'ref/prompt') {
    const prompt = registry.prompts.get(p.ref.name);
    if (prompt === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt "${p.ref.name}"`);
    completer = prompt.config.arguments?.find((a) => a.name === p.argument.name)?.complete;
  } else {
    const uri = p.ref.uri;
    let found = false;
    for (const t of registry.templates.values()) {
      if (t.template.template === uri) {
        found = true;
        completer = t.config.complete?.[p.argument.name];
        break;
      }
    }
    if (!found && !registry.resources.has(uri)) throw new McpError(ErrorCode.InvalidParams, `Unknown resource template "${uri}"`);
  }
  const all = completer ? await completer(p.argument.value, context) : [];
  return { completion: { values: all.slice(0, MAX_COMPLETIONS), total: all.length, hasMore: all.length > MAX_COMPLETIONS } };
}

/** The legacy-era method table. `initialize` and notifications are handled by the transport. */
export const METHODS: Readonly<Record<string, MethodHandler>> = {
  ping: () => ({}),
  'tools/list': (r, params, call) => r.page('tools', parseParams(ListParams, params)?.cursor, call.version),
  'tools/call': callTool,
  'resources/list': listResources,
  'resources/templates/list': (r, params, call) => r.page('resourceTemplates', parseParams(ListParams, params)?.cursor, call.version),
  'resources/read': readResource,
  'resources/subscribe': (_r, params, call) => {
    const { uri } = parseParams(UriParams, params);
    call.session?.subscribe(uri);
    return {};
  },
  'resources/unsubscribe': (_r, params, call) => {
    const { uri } = parseParams(UriParams, params);
    call.session?.unsubscribe(uri);
    return {};
  },
  'prompts/list': (r, params, call) => r.page('prompts', parseParams(ListParams, params)?.cursor, call.version),
  'prompts/get': getPrompt,
  'completion/complete': complete,
  'logging/setLevel': (_r, params, call) => {
    call.session?.setLogLevel(parseParams(SetLevelParams, params).level);
    return {};
  },
};
