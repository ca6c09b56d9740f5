import type { IncomingMessage } from 'node:http';
import { delegateRest } from '@x/mcp-core';

/**
 * Whether a raw field name equals `lower`, ignoring ASCII case. Field names are tokens (ASCII only) and `lower` is
 * already lower case, so only A-Z need folding: no lower-cased copy of every raw name is made.
 */
function sameName(key: string, lower: string): boolean {
  if (key === lower) return true;
  if (key.length !== lower.length) return false;
  for (let i = 0; i < key.length; i++) {
    const a = key.charCodeAt(i);
    const b = lower.charCodeAt(i);
    if (a !== b && (a < 65 || a > 90 || a + 32 !== b)) return false;
  }
  return true;
}

/**
 * The field values of `name` (lower case) in a raw header list, joined as `Headers.get` joins them; null if absent.
 * Reading `rawHeaders` spares building `IncomingMessage.headers`, which Node does on first access.
 * @param raw `IncomingMessage.rawHeaders`.
 * @param name Lower-case field name.
 * @returns The value or null.
 */
export function rawGet(raw: readonly string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!sameName(raw[i]!, name)) continue;
    value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** Lower-cased names asked for so far (the core asks for the same dozen on every request), up to a bound. */
const lowered = new Map<string, string>();

/** `name` in lower case, remembered: a name asked for before costs a map lookup, not a copy. */
function lowerName(name: string): string {
  let lower = lowered.get(name);
  if (lower === undefined) {
    lower = String(name).toLowerCase();
    if (typeof name === 'string' && lowered.size < 256) lowered.set(name, lower);
  }
  return lower;
}

/**
 * The `headers` of a request served from an `IncomingMessage`. `get` and `has` read the raw header list directly;
 * any other member (iteration, `set`, `getSetCookie`, ...) builds a native `Headers` once and is served by it from
 * then on, `get` and `has` included, so changes are seen. Its prototype chain includes `Headers.prototype`, so
 * `instanceof Headers` holds.
 */
class NodeHeaders {
  readonly #raw: readonly string[];
  #native: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#native !== undefined) return this.#native.get(name);
    return rawGet(this.#raw, lowerName(name));
  }

  has(name: string): boolean {
    if (this.#native !== undefined) return this.#native.has(name);
    return rawGet(this.#raw, lowerName(name)) !== null;
  }

  /** The native Headers, built once from the raw list (HTTP/2 pseudo-headers left out). */
  materialise(): Headers {
    if (this.#native !== undefined) return this.#native;
    const headers = new Headers();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.charCodeAt(0) !== 58 /* ':' pseudo-header */) headers.append(name, raw[i + 1]!);
    }
    return (this.#native = headers);
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return inspect(this.materialise(), options);
  }

  static {
    // Every other Headers member is served by the native Headers, built on first use.
    delegateRest(NodeHeaders.prototype, 'Headers', (self: NodeHeaders) => self.materialise());
  }
}

/**
 * The request headers of `req` as a lazy `Headers` (see NodeHeaders).
 * @param req The Node request.
 * @returns Headers.
 */
export function nodeHeaders(req: IncomingMessage): Headers {
  return new NodeHeaders(req.rawHeaders) as unknown as Headers;
}
