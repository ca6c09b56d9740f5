/**
 * A `Response` for a body that is one string (or none) or an SSE stream, whose native object is built only when
 * someone needs it.
 *
 * Building a native Response costs more than answering the request on Node (undici makes a Headers object and a
 * web ReadableStream for every body). An adapter that writes to a socket itself only needs the status, the header
 * fields and the string or the stream's chunks, so it asks for lazy responses (`RequestContext.lazyResponse`) and
 * reads them from the global symbols below. Anything else that touches the response (`headers`, `body`, `text()`, `clone()`, ...)
 * builds the native Response once and is served by it, so the object behaves as a Response everywhere; its
 * prototype chain includes `Response.prototype`, so `instanceof Response` holds. Handlers without the flag get
 * the native Response itself (see {@link nativeResponse}): runtimes such as Bun and Deno only accept those.
 */

import type { ChunkSource } from '../sse/stream';
import { throughBody } from './body-end';
import { delegateRest } from './native-delegate';

/**
 * Where a response made from a string keeps that string: an adapter that writes to a socket may send it as is
 * instead of reading the body stream. On a native Response it is an own property, and the adapter must check
 * that the body was not read (`bodyUsed`); on a lazy response it is undefined once the native object exists. A
 * global symbol, so an adapter needs no import from the core.
 */
export const BODY_TEXT: unique symbol = Symbol.for('x-mcp.bodyText') as never;

/**
 * The header fields of a lazy response as a plain record (lower-case names, no hop-by-hop fields), or undefined
 * once its native Response exists (its headers may have been changed since).
 */
export const HEAD_FIELDS: unique symbol = Symbol.for('x-mcp.headFields') as never;

/**
 * The body of a lazy streaming response, for an adapter that writes to a socket itself: pull chunks from it until
 * null, and cancel it when the client leaves (see `ChunkSource` in sse/stream.ts). Undefined once the native
 * Response exists (its body is then the only reader).
 */
export const BODY_SOURCE: unique symbol = Symbol.for('x-mcp.bodySource') as never;

/** A streaming body: the chunk source, the web stream view built on demand, and whether it is closed already. */
type StreamBody = ChunkSource & { readonly body: ReadableStream<Uint8Array>; readonly closed: boolean };

/** The lazy Response class. Construct it through {@link textResponse} or {@link streamResponse}. */
class TextResponse {
  readonly #text: string | null;
  readonly #stream: StreamBody | undefined;
  readonly #status: number;
  readonly #fields: Record<string, string>;
  #native: Response | undefined;

  constructor(text: string | null, stream: StreamBody | undefined, status: number, fields: Record<string, string>) {
    this.#text = text;
    this.#stream = stream;
    this.#status = status;
    this.#fields = fields;
  }

  get [BODY_SOURCE](): ChunkSource | undefined {
    return this.#native === undefined ? this.#stream : undefined;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status < 300;
  }

  get statusText(): string {
    return this.#native?.statusText ?? '';
  }

  get [BODY_TEXT](): string | undefined {
    if (this.#native !== undefined) return this.#native.bodyUsed ? undefined : (this.#text ?? undefined);
    return this.#text ?? undefined;
  }

  get [HEAD_FIELDS](): Record<string, string> | undefined {
    return this.#native === undefined ? this.#fields : undefined;
  }

  /** The native Response, built once; it carries the string under {@link BODY_TEXT} too. */
  materialise(): Response {
    if (this.#native !== undefined) return this.#native;
    const native = new Response(this.#stream !== undefined ? this.#stream.body : this.#text, { status: this.#status, headers: this.#fields });
    if (this.#text !== null) (native as unknown as Record<symbol, unknown>)[BODY_TEXT] = this.#text;
    return (this.#native = native);
  }

  /**
   * See {@link servedResponse}. Undefined once the native Response exists (something read or changed it): that one
   * is then served as any native Response.
   */
  served(onEnd: () => void, first: Uint8Array | undefined): Response | undefined {
    if (this.#native !== undefined) return undefined;
    const stream = this.#stream;
    if (stream === undefined) {
      onEnd();
      return this.materialise();
    }
    const headers = this.#fields;
    if (stream.closed) {
      // Written in full while the handler ran (a call with its progress and result, say): one static body.
      let text = '';
      try {
        for (let chunk = stream.pull(); chunk !== null; chunk = stream.pull()) {
          if (typeof chunk !== 'string') break; // not reached: a closed stream never waits
          text += chunk;
        }
      } catch {
        // Cut off for falling behind before it was handed over: serve what the stream's own body says (an error).
        return this.materialise();
      }
      onEnd();
      return new Response(text, { status: this.#status, headers });
    }
    return new Response(throughBody(stream.body, onEnd, first), { status: this.#status, headers });
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }

  static {
    // Every other Response member is served by the native Response, built on first use.
    delegateRest(TextResponse.prototype, 'Response', (self: TextResponse) => self.materialise());
  }
}

/**
 * A lazy Response for a string body (or none).
 * @param text The body, or null for none.
 * @param status HTTP status.
 * @param fields Header fields, lower-case names. Kept by reference: pass a record nobody changes later.
 * @returns A Response (lazy: see the module comment).
 */
export function textResponse(text: string | null, status: number, fields: Record<string, string>): Response {
  return new TextResponse(text, undefined, status, fields) as unknown as Response;
}

/**
 * A lazy Response whose body is an SSE stream: an adapter that asked for lazy responses pulls its chunks (see
 * {@link BODY_SOURCE}); anyone else gets a native Response over `stream.body`.
 * @param stream The stream.
 * @param fields Header fields, lower-case names (SSE_HEADERS).
 * @returns A Response (lazy).
 */
export function streamResponse(stream: StreamBody, fields: Record<string, string>): Response {
  return new TextResponse(null, stream, 200, fields) as unknown as Response;
}

/**
 * The native Response behind a lazy one, or the response itself when it is native already.
 * @param response A response from the core.
 * @returns A native Response.
 */
export function nativeResponse(response: Response): Response {
  return response instanceof TextResponse ? response.materialise() : response;
}

/**
 * A response from a handler, as a native Response to hand a runtime that serves native ones (Bun, Deno), with
 * `onEnd` called once the body has been sent in full: at once for a body already in memory, after the last chunk for
 * a stream (not when the stream errors or the client cancels it). For adapters that ask the core for lazy responses
 * (`RequestContext.lazyResponse`), so that one native Response is built instead of two:
 * - a string body (or none) becomes a native Response over the string;
 * - an SSE stream that was closed before it was handed over (a call whose progress and result were all written
 *   while it ran) is sent as one static body, with no stream for the runtime to pump;
 * - a stream still open is served through {@link throughBody}, `first` before its own chunks.
 * A native Response from any other handler gets the same treatment where it is an event stream, and is returned
 * as it is otherwise; its `body` is not read unless it is an event stream (on Deno, reading it turns the bytes
 * into a stream).
 * @param response What the handler returned.
 * @param onEnd Called once, when the body has been sent in full.
 * @param first A chunk to send before a live stream's own (Bun: an SSE comment, so the head is not held back).
 * @returns The Response to serve.
 * @example
 * const response = await mcp.handle(request, { lazyResponse: true, signal });
 * return servedResponse(response, () => (settled = true));
 */
export function servedResponse(response: Response, onEnd: () => void, first?: Uint8Array): Response {
  if (response instanceof TextResponse) {
    const served = response.served(onEnd, first);
    if (served !== undefined) return served;
    response = response.materialise();
  }
  const body = response.headers.get('content-type')?.toLowerCase().startsWith('text/event-stream') ? response.body : null;
  if (body === null) {
    onEnd();
    return response;
  }
  return new Response(throughBody(body, onEnd, first), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * Whether a value the core's own code returned is a response rather than the value it stands in place of (a parsed
 * request, a session). The core builds every response of its own as a lazy one, so this is one `instanceof` that
 * does not read the global `Response` (on Node 20 that first read loads the whole fetch implementation).
 * @param value A response from {@link textResponse} or {@link streamResponse}, or a parsed request, a session, ...
 * @returns True for a response.
 */
export function isResponse(value: unknown): value is Response {
  return value instanceof TextResponse;
}
