import type { IncomingMessage } from 'node:http';
import { delegateRest } from '@x/mcp-core';

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
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
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
    return rawGet(this.#raw, String(name).toLowerCase());
  }

  has(name: string): boolean {
    if (this.#native !== undefined) return this.#native.has(name);
    return rawGet(this.#raw, String(name).toLowerCase()) !== null;
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
