/**
 * @module RFC 6570 URI templates (levels 1-4) for MCP resource templates: parse once, expand values,
 * list variable names and match concrete URIs back to variables. Web-standard JavaScript only.
 */

/** Longest template, in UTF-16 code units, that {@link UriTemplate} accepts. */
export const MAX_TEMPLATE_LENGTH = 1000;

/** Longest URI, in UTF-16 code units, that {@link UriTemplate.match} looks at; longer URIs never match. */
export const MAX_URI_LENGTH = 4096;

/** A value that {@link UriTemplate.expand} accepts for one variable; `undefined` (or `null`) means "not defined". */
export type UriTemplateValue = string | readonly string[] | Readonly<Record<string, string>> | undefined;

/** The variables {@link UriTemplate.expand} reads, by name. Only own properties are read. */
export type UriTemplateValues = Readonly<Record<string, UriTemplateValue>>;

/** What {@link UriTemplate.match} returns: percent-decoded variables; exploded variables as arrays. */
export type UriTemplateMatch = Record<string, string | string[]>;

/** Thrown for a malformed template. It is a `TypeError`; `position` is the 0-based offset of the problem. */
export class UriTemplateError extends TypeError {
  /** 0-based offset in the template where the problem was found. */
  readonly position: number;
  /** The template that failed to parse (cut to {@link MAX_TEMPLATE_LENGTH} characters). */
  readonly template: string;

  /** Builds the error; the message names the reason and the position. */
  constructor(reason: string, template: string, position: number) {
    super(`Invalid URI template: ${reason} at position ${position}`);
    this.name = 'UriTemplateError';
    this.position = position;
    this.template = template.slice(0, MAX_TEMPLATE_LENGTH);
  }
}

// ---------------------------------------------------------------------------------------------
// Grammar and operator table (RFC 6570 sections 2 and 3, appendix A)
// ---------------------------------------------------------------------------------------------

type Operator = '' | '+' | '#' | '.' | '/' | ';' | '?' | '&';

interface OperatorSpec {
  /** Emitted once before the first defined value. */
  readonly first: string;
  /** Emitted between values. */
  readonly sep: string;
  /** Values are written as `name=value`. */
  readonly named: boolean;
  /** What follows the name when a named value is empty. */
  readonly ifemp: string;
  /** Reserved characters and pct-triplets pass through unencoded. */
  readonly allowReserved: boolean;
}

const OPERATORS: Readonly<Record<Operator, OperatorSpec>> = {
  '': { first: '', sep: ',', named: false, ifemp: '', allowReserved: false },
  '+': { first: '', sep: ',', named: false, ifemp: '', allowReserved: true },
  '#': { first: '#', sep: ',', named: false, ifemp: '', allowReserved: true },
  '.': { first: '.', sep: '.', named: false, ifemp: '', allowReserved: false },
  '/': { first: '/', sep: '/', named: false, ifemp: '', allowReserved: false },
  ';': { first: ';', sep: ';', named: true, ifemp: '', allowReserved: false },
  '?': { first: '?', sep: '&', named: true, ifemp: '=', allowReserved: false },
  '&': { first: '&', sep: '&', named: true, ifemp: '=', allowReserved: false },
};

const OPERATOR_CHARS = '+#./;?&';
/** Operators RFC 6570 reserves for future extensions; a template using one is rejected. */
const RESERVED_OPERATOR_CHARS = '=,!@|';

interface VarSpec {
  /** The name as written (may contain pct-triplets and dots). */
  readonly name: string;
  /** The name with pct-triplets decoded, for comparing with names read from a URI. */
  readonly decodedName: string;
  /** `:N` prefix length in characters (code points), if any. */
  readonly prefix: number | undefined;
  /** `*` explode modifier. */
  readonly explode: boolean;
}

interface Expression {
  readonly op: Operator;
  readonly vars: readonly VarSpec[];
}

interface Literal {
  /** The literal as encoded for output (characters not allowed in a URI are pct-encoded). */
  readonly encoded: string;
}

type Part = Literal | Expression;

const isExpression = (part: Part): part is Expression => 'op' in part;

const isHexCode = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

const isVarChar = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;

function parseTemplate(template: string): Part[] {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new UriTemplateError(`template is longer than ${MAX_TEMPLATE_LENGTH} characters`, template, MAX_TEMPLATE_LENGTH);
  }
  const parts: Part[] = [];
  let literalStart = 0;
  let i = 0;
  const flushLiteral = (end: number): void => {
    if (end > literalStart) parts.push({ encoded: pctEncode(template.slice(literalStart, end), true) });
  };
  while (i < template.length) {
    const ch = template[i];
    if (ch === '}') throw new UriTemplateError("unmatched '}'", template, i);
    if (ch !== '{') {
      i++;
      continue;
    }
    let close = -1;
    for (let j = i + 1; j < template.length; j++) {
      const c = template[j];
      if (c === '{') throw new UriTemplateError("nested '{' inside an expression", template, j);
      if (c === '}') {
        close = j;
        break;
      }
    }
    if (close < 0) throw new UriTemplateError("unclosed '{'", template, i);
    flushLiteral(i);
    parts.push(parseExpression(template, i + 1, close));
    i = close + 1;
    literalStart = i;
  }
  flushLiteral(template.length);
  return parts;
}

/** Parses the body of `{...}` found between `start` (after `{`) and `end` (the `}`). */
function parseExpression(template: string, start: number, end: number): Expression {
  if (start === end) throw new UriTemplateError('empty expression', template, start - 1);
  let pos = start;
  let op: Operator = '';
  const first = template[pos] ?? '';
  if (OPERATOR_CHARS.includes(first)) {
    op = first as Operator;
    pos++;
  } else if (RESERVED_OPERATOR_CHARS.includes(first)) {
    throw new UriTemplateError(`reserved operator '${first}'`, template, pos);
  }
  const vars: VarSpec[] = [];
  for (;;) {
    const nameStart = pos;
    let needVarChar = true;
    while (pos < end) {
      const code = template.charCodeAt(pos);
      if (isVarChar(code)) {
        pos++;
        needVarChar = false;
      } else if (code === 0x25 /* % */) {
        if (!isHexCode(template.charCodeAt(pos + 1)) || !isHexCode(template.charCodeAt(pos + 2)) || pos + 2 >= end) {
          throw new UriTemplateError('invalid percent-encoding in variable name', template, pos);
        }
        pos += 3;
        needVarChar = false;
      } else if (code === 0x2e /* . */ && !needVarChar) {
        pos++;
        needVarChar = true;
      } else {
        break;
      }
    }
    if (needVarChar) {
      throw new UriTemplateError(pos === nameStart ? 'missing variable name' : 'invalid variable name', template, pos);
    }
    const name = template.slice(nameStart, pos);
    let prefix: number | undefined;
    let explode = false;
    if (template[pos] === ':') {
      pos++;
      const digitsStart = pos;
      while (pos < end && template.charCodeAt(pos) >= 0x30 && template.charCodeAt(pos) <= 0x39) pos++;
      const digits = template.slice(digitsStart, pos);
      if (digits.length === 0 || digits.length > 4 || digits.startsWith('0')) {
        throw new UriTemplateError('prefix length must be an integer from 1 to 9999', template, digitsStart);
      }
      prefix = Number(digits);
    } else if (template[pos] === '*') {
      pos++;
      explode = true;
    }
    vars.push({ name, decodedName: safeDecode(name) ?? name, prefix, explode });
    if (pos === end) break;
    if (template[pos] !== ',') throw new UriTemplateError(`unexpected '${template[pos]}' in expression`, template, pos);
    pos++;
    if (pos === end) throw new UriTemplateError('missing variable name', template, pos);
  }
  return { op, vars };
}

// ---------------------------------------------------------------------------------------------
// Percent-encoding and decoding
// ---------------------------------------------------------------------------------------------

const UNRESERVED = new Uint8Array(128);
const RESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (isVarChar(c) || c === 0x2d || c === 0x2e || c === 0x7e) UNRESERVED[c] = 1;
}
for (const ch of ":/?#[]@!$&'()*+,;=") RESERVED[ch.charCodeAt(0)] = 1;

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`);

/** UTF-8 bytes of one code point, each as `%XX`. */
function pctEncodeCodePoint(cp: number): string {
  const hex = (b: number): string => HEX_BYTES[b] ?? '';
  if (cp < 0x80) return hex(cp);
  if (cp < 0x800) return hex(0xc0 | (cp >> 6)) + hex(0x80 | (cp & 0x3f));
  if (cp < 0x10000) return hex(0xe0 | (cp >> 12)) + hex(0x80 | ((cp >> 6) & 0x3f)) + hex(0x80 | (cp & 0x3f));
  return (
    hex(0xf0 | (cp >> 18)) + hex(0x80 | ((cp >> 12) & 0x3f)) + hex(0x80 | ((cp >> 6) & 0x3f)) + hex(0x80 | (cp & 0x3f))
  );
}

/**
 * Percent-encodes `value` as UTF-8. Unreserved characters always pass; with `allowReserved` the
 * reserved set and existing pct-triplets pass too. Lone surrogates are encoded as U+FFFD.
 */
function pctEncode(value: string, allowReserved: boolean): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) {
      if (UNRESERVED[code] === 1 || (allowReserved && RESERVED[code] === 1)) continue;
      if (allowReserved && code === 0x25 && isHexCode(value.charCodeAt(i + 1)) && isHexCode(value.charCodeAt(i + 2))) {
        i += 2;
        continue;
      }
      out += value.slice(runStart, i) + pctEncodeCodePoint(code);
      runStart = i + 1;
      continue;
    }
    let cp = code;
    let width = 1;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        width = 2;
      } else {
        cp = 0xfffd;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      cp = 0xfffd;
    }
    out += value.slice(runStart, i) + pctEncodeCodePoint(cp);
    i += width - 1;
    runStart = i + 1;
  }
  return runStart === 0 ? value : out + value.slice(runStart);
}

/** The first `length` code points of `value`. */
function codePointPrefix(value: string, length: number): string {
  let i = 0;
  for (let count = 0; count < length && i < value.length; count++) {
    const code = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    i += code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return value.slice(0, i);
}

/** Percent-decodes (UTF-8); `undefined` for malformed escapes or invalid UTF-8. */
function safeDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Expansion
// ---------------------------------------------------------------------------------------------

type Normalized = string | string[] | Array<[string, string]>;

function toText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new TypeError(`URI template variable '${name}' has an unsupported value (${typeof value})`);
}

/** Turns a caller's value into a string, a list or a list of pairs; `undefined` when it is not defined (RFC 6570 2.3). */
function normalize(value: unknown, name: string): Normalized | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const item of value as unknown[]) if (item !== undefined && item !== null) items.push(toText(item, name));
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const pairs: Array<[string, string]> = [];
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined && item !== null) pairs.push([key, toText(item, name)]);
    }
    return pairs.length === 0 ? undefined : pairs;
  }
  return toText(value, name);
}

const isPairs = (value: string[] | Array<[string, string]>): value is Array<[string, string]> => Array.isArray(value[0]);

function expandExpression(expr: Expression, values: UriTemplateValues): string {
  const spec = OPERATORS[expr.op];
  const enc = (s: string): string => pctEncode(s, spec.allowReserved);
  const named = (name: string, encoded: string): string => (encoded === '' ? name + spec.ifemp : `${name}=${encoded}`);
  const out: string[] = [];
  for (const v of expr.vars) {
    const value = normalize(Object.hasOwn(values, v.name) ? values[v.name] : undefined, v.name);
    if (value === undefined) continue;
    if (typeof value === 'string') {
      const encoded = enc(v.prefix === undefined ? value : codePointPrefix(value, v.prefix));
      out.push(spec.named ? named(v.name, encoded) : encoded);
      continue;
    }
    if (v.prefix !== undefined) {
      throw new TypeError(`URI template variable '${v.name}' has a composite value but a prefix modifier (RFC 6570 2.4.1)`);
    }
    if (isPairs(value)) {
      if (v.explode) {
        for (const [key, item] of value) out.push(spec.named ? named(enc(key), enc(item)) : `${enc(key)}=${enc(item)}`);
      } else {
        const joined = value.map(([key, item]) => `${enc(key)},${enc(item)}`).join(',');
        out.push(spec.named ? named(v.name, joined) : joined);
      }
    } else if (v.explode) {
      for (const item of value) out.push(spec.named ? named(v.name, enc(item)) : enc(item));
    } else {
      const joined = value.map(enc).join(',');
      out.push(spec.named ? named(v.name, joined) : joined);
    }
  }
  return out.length === 0 ? '' : spec.first + out.join(spec.sep);
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

/**
 * One capture of the match RegExp. Consecutive expressions without literal text between them are
 * merged when their operator has a separator (`{/a}{/b}` is `{/a,b}`; `{?a}{&b}` is one query).
 */
interface Atom {
  readonly op: Operator;
  readonly vars: readonly VarSpec[];
  /** For named operators: decoded name -> spec. */
  readonly byName: ReadonlyMap<string, VarSpec>;
}

type Context = 'path' | 'query' | 'fragment';

interface AtomPattern {
  /** Regex source without capturing groups. */
  readonly source: string;
  /** Characters the atom can never contain: a following literal holding one pins the atom's end. */
  readonly excluded: string;
}

/**
 * The regex of one atom. With `lazy`, every quantifier prefers fewer repetitions (used for atoms
 * that are made atomic without a pinned end: they then take the shortest run that lets the next
 * literal follow).
 */
function atomPattern(atom: Atom, ctx: Context, lazy: boolean): AtomPattern {
  const q = (quantifier: string): string => (lazy ? `${quantifier}?` : quantifier);
  const n = atom.vars.length;
  const explode = atom.vars.some((v) => v.explode);
  const repeat = q(explode ? '*' : n === 1 ? '?' : `{0,${n}}`);
  switch (atom.op) {
    case '': {
      // In a query, `&` separates parameters; expand always encodes it in simple values.
      const extra = ctx === 'query' ? '&' : '';
      const segment = `[^/?#,${extra}]${q('*')}`;
      if (n === 1 && !explode) return { source: segment, excluded: `/?#,${extra}` };
      const more = q(explode ? '*' : `{0,${n - 1}}`);
      return { source: `${segment}(?:,${segment})${more}`, excluded: `/?#${extra}` };
    }
    case '+':
      if (ctx === 'path') return { source: `[^?#]${q('*')}`, excluded: '?#' };
      if (ctx === 'query') return { source: `[^#]${q('*')}`, excluded: '#' };
      return { source: `[\\s\\S]${q('*')}`, excluded: '' };
    case '#':
      return { source: `(?:#[\\s\\S]${q('*')})${q('?')}`, excluded: '' };
    case '.':
      return { source: `(?:\\.[^./?#]${q('*')})${repeat}`, excluded: '/?#' };
    case '/':
      return { source: `(?:/[^/?#]${q('*')})${repeat}`, excluded: '?#' };
    case ';':
      return { source: `(?:;[^;/?#]${q('*')})${q('*')}`, excluded: '/?#' };
    case '?':
      return { source: `(?:\\?[^#]${q('*')})${q('?')}`, excluded: '#' };
    case '&':
      return { source: `(?:&[^#]${q('*')})${q('?')}`, excluded: '#' };
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Compiled {
  readonly regex: RegExp;
  readonly atoms: readonly Atom[];
}

/**
 * Builds one anchored RegExp with exactly one named group per atom.
 *
 * Backtracking is bounded: at most one atom (the first whose end is not pinned by the literal after
 * it) may backtrack freely. Every other atom is made atomic with a lookahead + backreference:
 * greedy when its end is pinned (a following literal holds a character it cannot contain) or when
 * it is the last atom (the lookahead then reaches the end anchor), which loses no match; lazy
 * otherwise. Each atom's own pattern is a single class run or a repetition of a group that starts
 * with a character its body excludes, so nothing nests over overlapping classes. The cost is thus
 * at most quadratic in the URI length, which {@link MAX_URI_LENGTH} caps.
 */
function compile(parts: readonly Part[]): Compiled {
  const literals: string[] = [''];
  const atoms: Atom[] = [];
  let lastOp: Operator | undefined;
  for (const part of parts) {
    if (!isExpression(part)) {
      literals[literals.length - 1] += part.encoded;
      lastOp = undefined;
      continue;
    }
    const prev = atoms[atoms.length - 1];
    const mergeable =
      prev !== undefined &&
      lastOp !== undefined &&
      literals[literals.length - 1] === '' &&
      ((part.op === lastOp && (part.op === '.' || part.op === '/' || part.op === ';')) ||
        (part.op === '&' && (lastOp === '?' || lastOp === '&')));
    if (mergeable && prev !== undefined) {
      atoms[atoms.length - 1] = makeAtom(prev.op, [...prev.vars, ...part.vars]);
    } else {
      atoms.push(makeAtom(part.op, part.vars));
      literals.push('');
    }
    lastOp = part.op;
  }

  let source = `^${escapeRegExp(literals[0] ?? '')}`;
  let ctx: Context = 'path';
  const advance = (literal: string): void => {
    if (ctx !== 'fragment' && literal.includes('#')) ctx = 'fragment';
    else if (ctx === 'path' && literal.includes('?')) ctx = 'query';
  };
  advance(literals[0] ?? '');
  let backtrackerUsed = false;
  atoms.forEach((atom, i) => {
    const { source: body, excluded } = atomPattern(atom, ctx, false);
    const after = literals[i + 1] ?? '';
    const isLast = i === atoms.length - 1;
    const tail = escapeRegExp(after) + (isLast ? '$' : '');
    const pinned = isLast || [...excluded].some((c) => after.includes(c));
    const group = `g${i}`;
    if (pinned) {
      source += `(?=(?<${group}>${body})${tail})\\k<${group}>`;
    } else if (!backtrackerUsed) {
      backtrackerUsed = true;
      source += `(?<${group}>${body})`;
    } else {
      source += `(?=(?<${group}>${atomPattern(atom, ctx, true).source})${tail})\\k<${group}>`;
    }
    source += escapeRegExp(after);
    if (atom.op === '#') ctx = 'fragment';
    else if ((atom.op === '?' || atom.op === '&') && ctx === 'path') ctx = 'query';
    advance(after);
  });
  if (atoms.length === 0) source += '$';
  return { regex: new RegExp(source), atoms };
}

function makeAtom(op: Operator, vars: readonly VarSpec[]): Atom {
  const byName = new Map<string, VarSpec>();
  for (const v of vars) {
    const known = byName.get(v.decodedName);
    // With duplicates, the full (non-prefix) spec wins.
    if (known === undefined || (known.prefix !== undefined && v.prefix === undefined)) byName.set(v.decodedName, v);
  }
  return { op, vars, byName };
}

type Binding = readonly [VarSpec, string | string[]];

/** Values of a positional atom (`{x,y}`, `{+x}`, `{#x}`, `{.x}`, `{/x}`); `undefined` when it cannot be decoded or assigned. */
function readPositional(atom: Atom, region: string): Binding[] | undefined {
  const { op, vars } = atom;
  let body = region;
  if (op === '#' || op === '.' || op === '/') {
    if (region === '') return [];
    body = region.slice(1);
  }
  const first = vars[0];
  let pieces: string[];
  if (vars.length === 1 && first !== undefined && !first.explode) {
    pieces = [body];
  } else {
    pieces = body.split(op === '.' || op === '/' ? op : ',');
  }
  let surplus = pieces.length - vars.length;
  if (surplus > 0 && !vars.some((v) => v.explode)) {
    // `+` and `#` values may hold raw commas: give the surplus to the last variable.
    if (op !== '+' && op !== '#') return undefined;
    pieces = [...pieces.slice(0, vars.length - 1), pieces.slice(vars.length - 1).join(',')];
    surplus = 0;
  }
  const decoded: string[] = [];
  for (const piece of pieces) {
    const value = safeDecode(piece);
    if (value === undefined) return undefined;
    decoded.push(value);
  }
  const out: Binding[] = [];
  let p = 0;
  for (const v of vars) {
    if (p >= decoded.length) break;
    if (v.explode) {
      const take = 1 + Math.max(0, surplus);
      surplus = 0;
      out.push([v, decoded.slice(p, p + take)]);
      p += take;
    } else {
      out.push([v, decoded[p] ?? '']);
      p++;
    }
  }
  return out;
}

/** Values of a named atom (`{;x}`, `{?x,y}`, `{&x}`): parameters in any order, each optional. */
function readNamed(atom: Atom, region: string): Binding[] | undefined {
  if (region === '') return [];
  const isQuery = atom.op !== ';';
  const pieces = region.slice(1).split(isQuery ? '&' : ';');
  const found = new Map<VarSpec, string | string[]>();
  for (const piece of pieces) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    let rawName = eq < 0 ? piece : piece.slice(0, eq);
    let rawValue = eq < 0 ? '' : piece.slice(eq + 1);
    if (isQuery) {
      // Form-style: `+` stands for a space (expand itself always writes `%20` and `%2B`).
      rawName = rawName.replaceAll('+', ' ');
      rawValue = rawValue.replaceAll('+', ' ');
    }
    const name = safeDecode(rawName);
    const value = safeDecode(rawValue);
    if (name === undefined || value === undefined) return undefined;
    const v = atom.byName.get(name);
    if (v === undefined) return undefined;
    const known = found.get(v);
    if (v.explode) {
      if (Array.isArray(known)) known.push(value);
      else found.set(v, [value]);
    } else {
      if (known !== undefined) return undefined;
      found.set(v, value);
    }
  }
  return [...found];
}

const sameValue = (a: string | string[], b: string | string[]): boolean => {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((item, i) => item === b[i]);
};

/**
 * Merges bindings of variables that appear more than once (`{/var:1,var}`): full values must agree,
 * prefix values must be prefixes of the full value (the longest prefix is used when there is none).
 */
function reconcile(bindings: readonly Binding[]): UriTemplateMatch | undefined {
  const full = new Map<string, string | string[]>();
  const prefixes = new Map<string, string[]>();
  for (const [v, value] of bindings) {
    if (v.prefix !== undefined && typeof value === 'string') {
      const list = prefixes.get(v.name);
      if (list === undefined) prefixes.set(v.name, [value]);
      else list.push(value);
      continue;
    }
    const known = full.get(v.name);
    if (known !== undefined && !sameValue(known, value)) return undefined;
    full.set(v.name, value);
  }
  const result: UriTemplateMatch = {};
  const define = (name: string, value: string | string[]): void => {
    // defineProperty: a variable may legitimately be called `__proto__`.
    Object.defineProperty(result, name, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const [name, value] of full) {
    for (const p of prefixes.get(name) ?? []) {
      if (typeof value !== 'string' || !value.startsWith(p)) return undefined;
    }
    define(name, value);
  }
  for (const [name, list] of prefixes) {
    if (full.has(name)) continue;
    let longest = '';
    for (const p of list) if (p.length > longest.length) longest = p;
    if (!list.every((p) => longest.startsWith(p))) return undefined;
    define(name, longest);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Public class
// ---------------------------------------------------------------------------------------------

/**
 * An RFC 6570 URI template, parsed once.
 *
 * ```ts
 * const t = new UriTemplate('users://{userId}/posts{?limit,offset}');
 * t.variableNames;                              // ['userId', 'limit', 'offset']
 * t.expand({ userId: '42', limit: '10' });      // 'users://42/posts?limit=10'
 * t.match('users://42/posts?offset=5&limit=10') // { userId: '42', offset: '5', limit: '10' }
 * ```
 */
export class UriTemplate {
  /** The template text as given. */
  readonly template: string;
  /** Variable names in order of first appearance, without duplicates. */
  readonly variableNames: readonly string[];

  readonly #parts: readonly Part[];
  readonly #regex: RegExp;
  readonly #atoms: readonly Atom[];

  /**
   * Parses `template`. Throws a {@link UriTemplateError} (a `TypeError`) with the offending position
   * for a malformed template: unclosed or nested braces, a stray `}`, an empty expression, a reserved
   * operator (`= , ! @ |`), a bad variable name or modifier, or more than {@link MAX_TEMPLATE_LENGTH} characters.
   */
  constructor(template: string) {
    if (typeof template !== 'string') throw new TypeError('URI template must be a string');
    this.template = template;
    this.#parts = parseTemplate(template);
    const names: string[] = [];
    for (const part of this.#parts) {
      if (!isExpression(part)) continue;
      for (const v of part.vars) if (!names.includes(v.name)) names.push(v.name);
    }
    this.variableNames = Object.freeze(names);
    const { regex, atoms } = compile(this.#parts);
    this.#regex = regex;
    this.#atoms = atoms;
  }

  /** True when `value` contains at least one `{...}` expression (it may still be malformed). */
  static isTemplate(value: string): boolean {
    return /\{[^{}]+\}/.test(value);
  }

  /**
   * Expands the template (RFC 6570 levels 1-4: operators none, `+`, `#`, `.`, `/`, `;`, `?`, `&`;
   * prefix `:N`; explode `*`). `undefined`, `null`, empty lists and empty maps are "not defined"
   * and are skipped; numbers and booleans are written as text. Throws a `TypeError` for a prefix
   * modifier on a list or map value.
   */
  expand(values: UriTemplateValues): string {
    let out = '';
    for (const part of this.#parts) out += isExpression(part) ? expandExpression(part, values) : part.encoded;
    return out;
  }

  /**
   * Matches a concrete URI against the template. Returns the percent-decoded variables, or
   * `undefined` when the URI does not match (or is longer than {@link MAX_URI_LENGTH}). Variables
   * that are absent from the URI are absent from the result; exploded variables come back as
   * `string[]`. Query (`{?}`, `{&}`) and path-parameter (`{;}`) variables are accepted in any order.
   */
  match(uri: string): UriTemplateMatch | undefined {
    if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH) return undefined;
    const m = this.#regex.exec(uri);
    if (m === null) return undefined;
    const bindings: Binding[] = [];
    for (let i = 0; i < this.#atoms.length; i++) {
      const atom = this.#atoms[i];
      if (atom === undefined) continue;
      const region = m.groups?.[`g${i}`] ?? '';
      const named = atom.op === ';' || atom.op === '?' || atom.op === '&';
      const found = named ? readNamed(atom, region) : readPositional(atom, region);
      if (found === undefined) return undefined;
      bindings.push(...found);
    }
    return reconcile(bindings);
  }

  /** The template text. */
  toString(): string {
    return this.template;
  }
}
