/**
 * SEP-2243 header mirroring for the 2026-07-28 wire (checklist §6.2): the `Mcp-Method`, `Mcp-Name` and
 * `Mcp-Param-*` request headers must agree with the JSON-RPC body (HDR-03..HDR-06), and the `x-mcp-header`
 * annotations that declare `Mcp-Param-*` headers must be well formed (HDR-07).
 *
 * Web APIs only: `atob` and a fatal `TextDecoder` do the Base64/UTF-8 work.
 */

/** One tool input property mirrored into a header (x-mcp-header). */
export interface HeaderParam {
  /** Header name suffix as declared: `Region` → `Mcp-Param-Region`. */
  readonly name: string;
  /** Property path from the arguments object, e.g. ['region'] or ['location', 'region']. */
  readonly path: readonly string[];
  /** The declared JSON type. */
  readonly type: 'string' | 'integer' | 'boolean';
}

// ---------------------------------------------------------------------------------------------------------------
// Value decoding (HDR-04, HDR-05)
// ---------------------------------------------------------------------------------------------------------------

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';
const SENTINEL_MIN_LENGTH = SENTINEL_PREFIX.length + SENTINEL_SUFFIX.length;

/** One shared decoder: `fatal` turns invalid UTF-8 into an exception (HDR-05); `ignoreBOM` keeps a leading U+FEFF. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** HTTP whitespace as Fetch defines it (SP, HTAB, CR, LF): what HDR-04 trims around a value. */
function isHttpWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Trims HTTP whitespace only (not the wider Unicode set of `String#trim`); no allocation when nothing to trim. */
function trimHttp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isHttpWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** The 6-bit value of a Base64 alphabet character (RFC 4648 §4, standard alphabet), or -1. */
function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41; // A-Z
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26; // a-z
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52; // 0-9
  if (c === 0x2b) return 62; // +
  if (c === 0x2f) return 63; // /
  return -1;
}

/**
 * Strict, canonical Base64 of UTF-8 → string (HDR-05). `atob` is forgiving (it accepts missing padding and embedded
 * whitespace), so the text is validated first: length a multiple of 4, standard alphabet only, at most two `=` at
 * the end, and zero bits in the unused tail of the last character.
 */
function decodeBase64Utf8(b64: string): string | undefined {
  const n = b64.length;
  if (n % 4 !== 0) return undefined;
  let pad = 0;
  if (n > 0 && b64.charCodeAt(n - 1) === 0x3d) pad = b64.charCodeAt(n - 2) === 0x3d ? 2 : 1;
  let last = 0;
  for (let i = 0; i < n - pad; i++) {
    last = sextet(b64.charCodeAt(i));
    if (last === -1) return undefined;
  }
  // `xx==` carries 8 bits in 12: the low 4 must be zero; `xxx=` carries 16 in 18: the low 2 must be zero.
  if ((pad === 2 && (last & 0x0f) !== 0) || (pad === 1 && (last & 0x03) !== 0)) return undefined;
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    return undefined;
  }
  let ascii = true;
  for (let i = 0; i < binary.length; i++) {
    if (binary.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII bytes are their own UTF-8 decoding: skip the byte copy.
  if (ascii) return binary;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes a mirrored header value: trims it and unwraps `=?base64?...?=`. Returns undefined when the value is
 * malformed (HDR-05).
 *
 * - Surrounding HTTP whitespace is trimmed (HDR-04).
 * - A value that starts with `=?base64?` and ends with `?=` (markers exactly, lowercase) is strict Base64 of UTF-8;
 *   bad Base64 (alphabet, padding, non-canonical tail bits) or invalid UTF-8 gives undefined. The decoded text is
 *   returned as is: clients wrap exactly those values that are not plain header text (non-ASCII, control characters,
 *   significant surrounding whitespace), so decoded control characters are legitimate.
 * - Any other value is taken literally and must be printable ASCII (0x20-0x7E): a control character or a raw
 *   non-ASCII byte is an illegal character (HDR-05). `=?BASE64?...?=` is such a literal, not an encoding.
 * @param raw The header value as read from `Headers`.
 * @returns The decoded value, or undefined when malformed.
 */
export function decodeHeaderValue(raw: string): string | undefined {
  const value = trimHttp(raw);
  if (value.length >= SENTINEL_MIN_LENGTH && value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX)) {
    return decodeBase64Utf8(value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length));
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Annotation discovery and validation (HDR-07)
// ---------------------------------------------------------------------------------------------------------------

const ANNOTATION = 'x-mcp-header';

/** A JSON object (not null, not an array). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 9110 §5.6.2 `tchar`. */
function isTchar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  // ! # $ % & ' * + - . ^ _ ` | ~
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

/** Keywords whose values are instance data, never subschemas: an `x-mcp-header` key inside them is not an annotation. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples', 'example']);
/** Keywords whose values map arbitrary names to subschemas. */
const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
]);

/** Appends one JSON Pointer token (RFC 6901 escaping). */
function pointer(base: string, token: string): string {
  return `${base}/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function fail(toolName: string, name: unknown, where: string, problem: string): never {
  const shown = typeof name === 'string' ? ` ${JSON.stringify(name)}` : '';
  throw new TypeError(`Tool ${JSON.stringify(toolName)}: x-mcp-header${shown} on ${where} ${problem} (HDR-07)`);
}

/** The declared type of an annotated property: one of the three allowed, optionally with `null` beside it. */
function declaredType(schema: Record<string, unknown>): HeaderParam['type'] | 'number' | undefined {
  const t = schema.type;
  let found: string | undefined;
  if (typeof t === 'string') found = t;
  else if (Array.isArray(t)) {
    for (const entry of t) {
      if (entry === 'null') continue;
      if (typeof entry !== 'string' || found !== undefined) return undefined;
      found = entry;
    }
  }
  return found === 'string' || found === 'integer' || found === 'boolean' || found === 'number' ? found : undefined;
}

/** Walk state for {@link headerParamsOf}. */
interface Scan {
  readonly toolName: string;
  readonly out: HeaderParam[];
  /** Lowercased header name → dotted property path, for the case-insensitive uniqueness rule. */
  readonly seen: Map<string, string>;
  /** Objects on the current descent, to stop on cyclic in-memory schemas. */
  readonly ancestors: Set<object>;
}

/** Checks one annotation found on a property reached through `properties` alone (HDR-07). */
function addAnnotated(scan: Scan, schema: Record<string, unknown>, path: readonly string[]): void {
  const dotted = path.join('.');
  const where = `property "${dotted}"`;
  const name = schema[ANNOTATION];
  if (typeof name !== 'string') fail(scan.toolName, undefined, where, 'must be a string');
  if (name.length === 0) fail(scan.toolName, undefined, where, 'must not be empty');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) fail(scan.toolName, name, where, 'contains a control character');
  }
  for (let i = 0; i < name.length; i++) {
    if (!isTchar(name.charCodeAt(i))) {
      fail(scan.toolName, name, where, "is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~)");
    }
  }
  const key = name.toLowerCase();
  const previous = scan.seen.get(key);
  if (previous !== undefined) {
    fail(scan.toolName, name, where, `duplicates the header of property "${previous}" (names are case-insensitive)`);
  }
  const type = declaredType(schema);
  if (type === 'number') fail(scan.toolName, name, where, 'is not allowed on type "number" (only string, integer or boolean)');
  if (type === undefined) fail(scan.toolName, name, where, 'needs a property of type string, integer or boolean');
  scan.seen.set(key, dotted);
  scan.out.push({ name, path, type });
}

/** Descends into a keyword value that is not a `properties` chain: any annotation below it is unreachable (HDR-07). */
function scanUnreachable(scan: Scan, value: unknown, at: string, via: string): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) scanUnreachable(scan, value[i], pointer(at, String(i)), via);
    return;
  }
  if (!isRecord(value) || scan.ancestors.has(value)) return;
  if (Object.hasOwn(value, ANNOTATION)) {
    fail(scan.toolName, value[ANNOTATION], at, `is not reachable through "properties" alone (it sits under "${via}")`);
  }
  scan.ancestors.add(value);
  for (const key of Object.keys(value)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const child = value[key];
    const childAt = pointer(at, key);
    if (SCHEMA_MAP_KEYWORDS.has(key) && isRecord(child)) {
      for (const name of Object.keys(child)) scanUnreachable(scan, child[name], pointer(childAt, name), via);
    } else {
      scanUnreachable(scan, child, childAt, via);
    }
  }
  scan.ancestors.delete(value);
}

/** Walks a schema reached through `properties` only: annotations here are eligible (HDR-07). */
function scanReachable(scan: Scan, schema: Record<string, unknown>, path: readonly string[], at: string): void {
  if (scan.ancestors.has(schema)) return;
  if (Object.hasOwn(schema, ANNOTATION)) {
    if (path.length === 0) fail(scan.toolName, schema[ANNOTATION], 'the root schema', 'must sit on a property');
    addAnnotated(scan, schema, path);
  }
  scan.ancestors.add(schema);
  for (const key of Object.keys(schema)) {
    if (key === ANNOTATION || DATA_KEYWORDS.has(key)) continue;
    const child = schema[key];
    const childAt = pointer(at, key);
    if (key === 'properties' && isRecord(child)) {
      for (const name of Object.keys(child)) {
        const sub = child[name];
        if (isRecord(sub)) scanReachable(scan, sub, [...path, name], pointer(childAt, name));
      }
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isRecord(child)) {
      for (const name of Object.keys(child)) scanUnreachable(scan, child[name], pointer(childAt, name), key);
    } else {
      scanUnreachable(scan, child, childAt, key);
    }
  }
  scan.ancestors.delete(schema);
}

/**
 * Finds the x-mcp-header annotations in a tool's JSON input schema and checks them (HDR-07): non-empty RFC 9110 token,
 * no control characters, unique ignoring case, only on string/integer/boolean properties (not number), reachable only
 * through `properties` chains (an annotation under items, oneOf, anyOf, allOf, not, if/then/else, $ref, $defs,
 * additionalProperties, patternProperties... is an error). Throws TypeError naming the tool, the property path and the problem.
 * Returns [] when there is none.
 *
 * A property `type` may be one allowed type or a two-element array with `"null"` (a nullable argument: null means no
 * header, HDR-06). Values of `const`, `enum`, `default` and `examples` are data and are not searched.
 * @param toolName The tool's name, for error messages.
 * @param inputSchema The tool's input JSON Schema (object at the root).
 * @returns The header params in schema order.
 * @throws TypeError when an annotation breaks an HDR-07 rule.
 */
export function headerParamsOf(toolName: string, inputSchema: Record<string, unknown>): HeaderParam[] {
  const scan: Scan = { toolName, out: [], seen: new Map(), ancestors: new Set() };
  scanReachable(scan, inputSchema, [], '');
  return scan.out;
}

/**
 * Returns a copy of `schema` with `x-mcp-header` set on top-level (or dotted-path, e.g. 'location.region') properties
 * (for users whose schema library cannot emit custom keywords). Throws TypeError when a path does not exist in `properties`.
 *
 * The input is never mutated: the root, the `properties` objects along each path and the target property schemas are
 * copied, everything else is shared. A key that exists verbatim at the top level (even one containing a dot) wins over
 * the dotted reading. The result is then checked with {@link headerParamsOf} (HDR-07), so a bad header name, a
 * `number` property or a duplicate also throws here.
 * @param toolName The tool's name, for error messages.
 * @param schema The tool's input JSON Schema.
 * @param headers Property path → header name suffix, e.g. `{ region: 'Region' }`.
 * @returns The annotated copy.
 * @throws TypeError when a path is missing or the result breaks an HDR-07 rule.
 */
export function withHeaderParams(
  toolName: string,
  schema: Record<string, unknown>,
  headers: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const root: Record<string, unknown> = { ...schema };
  const copies = new WeakSet<object>([root]);
  const own = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
    const child = parent[key] as Record<string, unknown>;
    if (copies.has(child)) return child;
    const copy = { ...child };
    copies.add(copy);
    parent[key] = copy;
    return copy;
  };
  for (const dotted of Object.keys(headers)) {
    const topProps = root.properties;
    const segments = isRecord(topProps) && Object.hasOwn(topProps, dotted) ? [dotted] : dotted.split('.');
    let node = root;
    for (const segment of segments) {
      const props = node.properties;
      if (!isRecord(props) || !Object.hasOwn(props, segment) || !isRecord(props[segment])) {
        throw new TypeError(`Tool ${JSON.stringify(toolName)}: no property schema at "${dotted}" for x-mcp-header (HDR-07)`);
      }
      node = own(own(node, 'properties'), segment);
    }
    node[ANNOTATION] = headers[dotted];
  }
  headerParamsOf(toolName, root);
  return root;
}

// ---------------------------------------------------------------------------------------------------------------
// Request check (HDR-03..HDR-06)
// ---------------------------------------------------------------------------------------------------------------

/** The body field `Mcp-Name` mirrors, per method (HDR-03, TRAP-24: the URI for resources/read). */
function nameFieldOf(method: string): 'name' | 'uri' | 'taskId' | undefined {
  switch (method) {
    case 'tools/call':
    case 'prompts/get':
      return 'name';
    case 'resources/read':
      return 'uri';
    case 'tasks/get':
    case 'tasks/update':
    case 'tasks/cancel':
      return 'taskId';
    default:
      return undefined;
  }
}

/** Quotes a value for an error message, shortening long ones. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/** JSON number syntax (RFC 8259 §6): what an integer header may look like (`42`, `42.0`, `-7`, `4.2e1`). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Whether a decoded header value stands for the body value (HDR-06). */
function sameValue(header: string, body: string | number | boolean, type: HeaderParam['type']): boolean {
  switch (type) {
    case 'string':
      return header === body;
    case 'boolean':
      return header === (body ? 'true' : 'false');
    case 'integer':
      // Numeric comparison (TRAP-24): `42.0` and `4.2e1` both equal 42.
      return JSON_NUMBER.test(header) && Number(header) === body;
  }
}

/** The argument at a property path; undefined when any step is missing or not an object. */
function valueAt(args: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = args;
  for (const segment of path) {
    // Own properties only: `constructor` and friends are not arguments.
    if (!isRecord(node) || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

/**
 * Checks the mirrored headers of one 2026-07-28 request (HDR-03..HDR-06). Returns undefined when they agree with the
 * body, else a one-sentence message for a -32020 HeaderMismatch error naming the header and what was expected, e.g.
 * 'Mcp-Name header "b" does not match params.name "a"' or 'Missing Mcp-Param-Region header for arguments.region'.
 * `toolParams` is only called for tools/call with params.name, and returns that tool's header params (undefined for an unknown tool: then only Mcp-Method/Mcp-Name are checked).
 *
 * - `Mcp-Method` is required and compared, trimmed, with `method`, case-sensitively and without Base64 (HDR-03, HDR-04).
 *   Notification POSTs need not be passed here (TRAP-12): the spec leaves their headers undefined.
 * - `Mcp-Name` is checked for tools/call, prompts/get (params.name), resources/read (params.uri) and
 *   tasks/get|update|cancel (params.taskId) after {@link decodeHeaderValue}; when that body field is absent or not a
 *   string the check is skipped and params validation reports the body (HDR-03, HDR-05).
 * - `Mcp-Param-<Name>` is checked for each header param whose argument is present with its declared type: a missing
 *   header is an error; a null or absent argument expects no header and a stray one is ignored; an argument of
 *   another type is left to argument validation (HDR-06).
 *
 * Header names are case-insensitive through `Headers` (HDR-04). With no header params the cost is two header reads.
 * @param headers The request headers.
 * @param method The body's `method`.
 * @param params The body's `params`, if any.
 * @param toolParams Looks up a tool's header params by name.
 * @returns undefined when the headers agree, else the mismatch message.
 */
export function checkMirrorHeaders(
  headers: Headers,
  method: string,
  params: Record<string, unknown> | undefined,
  toolParams?: (toolName: string) => readonly HeaderParam[] | undefined,
): string | undefined {
  // HDR-03, HDR-04: Mcp-Method on every request, exact after trimming.
  const rawMethod = headers.get('mcp-method');
  if (rawMethod === null) return `Missing Mcp-Method header (expected ${quote(method)})`;
  const headerMethod = trimHttp(rawMethod);
  if (headerMethod !== method) return `Mcp-Method header ${quote(headerMethod)} does not match method ${quote(method)}`;

  // HDR-03, HDR-05, TRAP-24: Mcp-Name for named requests, Base64 unwrapped before comparing.
  const field = nameFieldOf(method);
  if (field === undefined || params === undefined) return undefined;
  const bodyName = params[field];
  if (typeof bodyName !== 'string') return undefined;
  const rawName = headers.get('mcp-name');
  if (rawName === null) return `Missing Mcp-Name header (expected params.${field} ${quote(bodyName)})`;
  const headerName = decodeHeaderValue(rawName);
  if (headerName === undefined) {
    return `Mcp-Name header ${quote(trimHttp(rawName))} is neither printable ASCII nor valid =?base64?...?= UTF-8 (expected params.${field} ${quote(bodyName)})`;
  }
  if (headerName !== bodyName) return `Mcp-Name header ${quote(headerName)} does not match params.${field} ${quote(bodyName)}`;

  // HDR-06: Mcp-Param-* for the tool's annotated arguments.
  if (method !== 'tools/call' || toolParams === undefined) return undefined;
  const list = toolParams(bodyName);
  if (list === undefined || list.length === 0) return undefined;
  const args = params.arguments;
  if (!isRecord(args)) return undefined;
  for (const param of list) {
    const value = valueAt(args, param.path);
    if (value === undefined || value === null) continue;
    const fits =
      param.type === 'string'
        ? typeof value === 'string'
        : param.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'number' && Number.isInteger(value);
    if (!fits) continue;
    const headerLabel = `Mcp-Param-${param.name}`;
    const argLabel = `arguments.${param.path.join('.')}`;
    const raw = headers.get(headerLabel);
    if (raw === null) return `Missing ${headerLabel} header for ${argLabel}`;
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) {
      return `${headerLabel} header ${quote(trimHttp(raw))} is neither printable ASCII nor valid =?base64?...?= UTF-8 (for ${argLabel})`;
    }
    const bodyValue = value as string | number | boolean;
    if (!sameValue(decoded, bodyValue, param.type)) {
      const shown = typeof bodyValue === 'string' ? quote(bodyValue) : String(bodyValue);
      return `${headerLabel} header ${quote(decoded)} does not match ${argLabel} ${shown}`;
    }
  }
  return undefined;
}
