/**
 * Valibot schemas for the params of the methods the server accepts (our own wire validation), and one helper
 * that turns a failure into -32602 naming the offending field as a JSON Pointer.
 */
import * as v from 'valibot';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';

/** A JSON object: valibot's record accepts arrays, MCP params never do (JR-01). */
const obj = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  (issue) => `Invalid type: Expected an object but received ${Array.isArray(issue.input) ? 'an array' : JSON.stringify(issue.input)}`,
);
const meta = v.optional(obj);

/** `initialize` (LC-01). */
export const InitializeParams = v.looseObject({
  protocolVersion: v.string(),
  capabilities: obj,
  clientInfo: v.looseObject({ name: v.string(), version: v.string() }),
  _meta: meta,
});

/** `tools/call` (TOOL-03). */
export const CallToolParams = v.looseObject({ name: v.string(), arguments: v.optional(obj), _meta: meta });

/** List methods: an optional cursor (PAG-01). */
export const ListParams = v.optional(v.looseObject({ cursor: v.optional(v.string()), _meta: meta }));

/** `resources/read`, `resources/subscribe`, `resources/unsubscribe`. */
export const UriParams = v.looseObject({ uri: v.string(), _meta: meta });

/** `prompts/get` (PR-01): argument values are strings. */
export const GetPromptParams = v.looseObject({ name: v.string(), arguments: v.optional(v.record(v.string(), v.string())), _meta: meta });

/** Log levels (LOG-01). */
export const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** `logging/setLevel`. */
export const SetLevelParams = v.looseObject({ level: v.picklist(LEVELS), _meta: meta });

/** `completion/complete` (CMP-01). */
export const CompleteParams = v.looseObject({
  ref: v.variant('type', [
    v.looseObject({ type: v.literal('ref/prompt'), name: v.string() }),
    v.looseObject({ type: v.literal('ref/resource'), uri: v.string() }),
  ]),
  argument: v.looseObject({ name: v.string(), value: v.string() }),
  context: v.optional(v.looseObject({ arguments: v.optional(v.record(v.string(), v.string())) })),
  _meta: meta,
});

/** `notifications/cancelled` (CAN-01). */
export const CancelledParams = v.looseObject({ requestId: v.union([v.string(), v.number()]), reason: v.optional(v.string()) });

/**
 * Validates params, throwing -32602 with the first issues' JSON Pointers and messages.
 * @param schema A valibot schema.
 * @param params The request's params.
 * @returns The typed params.
 */
export function parseParams<S extends v.GenericSchema>(schema: S, params: unknown): v.InferOutput<S> {
  const r = v.safeParse(schema, params);
  if (r.success) return r.output;
  const issues = r.issues.slice(0, 5).map((i) => ({
    path: '/' + (i.path ?? []).map((p) => String(p.key).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'),
    message: i.message,
  }));
  const first = issues[0]!;
  throw new McpError(ErrorCode.InvalidParams, `Invalid params: ${first.path === '/' ? '' : first.path + ': '}${first.message}`, { issues });
}
