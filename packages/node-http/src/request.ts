import type { IncomingMessage, ServerResponse } from 'node:http';
import { delegateRest } from '@x/mcp-core';
import { nodeHeaders, rawGet } from './headers';
import { disconnectSignal } from './signal';

/** Default for `maxBodyBytes`: MCP bodies are small JSON-RPC payloads. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Options of {@link toWebRequest}. */
export interface WebRequestOptions {
  /** Max body bytes a read buffers or streams; default 4 MiB. */
  maxBodyBytes?: number;
  /** The response paired with `req`: enables proper disconnect detection for `request.signal`. */
  res?: ServerResponse;
  /** A body a framework already parsed (Express `req.body`): served when the stream was consumed. */
  parsedBody?: unknown;
}

/** The error a body read rejects with over the limit. The core maps it to a 413. */
function bodyTooLarge(limit: number): Error {
  return Object.assign(new Error(`Request body exceeds ${limit} bytes`), { name: 'BodyTooLargeError', status: 413 });
}

const unusable = (): TypeError => new TypeError('Body is unusable');
const aborted = (req: IncomingMessage): Error => req.errored ?? new Error('Request aborted before the body was complete');
const toBytes = (chunk: Buffer | string): Buffer => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk);

/** Feed `data` chunks to `onChunk` until the end, an error, a premature close, or the byte limit. */
function consume(req: IncomingMessage, limit: number, onChunk: (chunk: Buffer) => void, onDone: (error?: unknown) => void): () => void {
  let size = 0;
  const cleanup = (): void => {
    req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  const finish = (error?: unknown): void => {
    cleanup();
    onDone(error);
  };
  const onData = (chunk: Buffer | string): void => {
    const bytes = toBytes(chunk);
    size += bytes.length;
    if (size <= limit) return onChunk(bytes);
    // Pause, never destroy: the handler must still be able to answer 413 on this socket.
    req.pause();
    finish(bodyTooLarge(limit));
  };
  const onEnd = (): void => finish();
  const onError = (error: unknown): void => finish(error);
  const onClose = (): void => finish(aborted(req));
  const early = Number(rawGet(req.rawHeaders, 'content-length')) > limit ? bodyTooLarge(limit) : req.destroyed ? aborted(req) : undefined;
  if (early) {
    queueMicrotask(() => onDone(early));
    return () => {};
  }
  req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  return cleanup;
}

const BODY_TAKEN = Symbol('body taken');

/**
 * Whether the whole request body was read: the stream saw its end, or a read took every declared byte (the
 * parser may report the message complete a little later).
 * @param req The Node request.
 * @returns True when nothing of the body is left to arrive.
 */
export function bodyDone(req: IncomingMessage): boolean {
  return req.complete || (req as unknown as Record<symbol, boolean | undefined>)[BODY_TAKEN] === true;
}

/**
 * The usual small POST: the whole body arrived with the head and waits in the stream's buffer. Taken in one read()
 * (which also lets the stream end), with no listeners and no promise; undefined when it is not all here yet, was
 * read already, or is over `limit`.
 */
function takeBuffered(req: IncomingMessage, limit: number): Buffer | undefined {
  const buffered = req.readableLength;
  const whole = req.complete || (buffered > 0 && buffered === Number(rawGet(req.rawHeaders, 'content-length')));
  if (!whole || req.readableDidRead || req.destroyed || req.readableFlowing === true || buffered > limit) return undefined;
  const chunk = req.read() as Buffer | string | null;
  (req as unknown as Record<symbol, boolean>)[BODY_TAKEN] = true;
  return chunk === null ? Buffer.alloc(0) : toBytes(chunk);
}

function readAll(req: IncomingMessage, limit: number): Buffer | Promise<Buffer> {
  const whole = takeBuffered(req, limit);
  if (whole !== undefined) return whole;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    consume(req, limit, (chunk) => chunks.push(chunk), (error) => (error ? reject(error) : resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))));
  });
}

function streamOf(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let stop = (): void => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stop = consume(
        req,
        limit,
        (chunk) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        },
        (error) => (error ? controller.error(error) : controller.close()),
      );
    },
    pull() {
      req.resume();
    },
    cancel() {
      stop();
      req.pause();
    },
  });
}

/** A Host header that is a plain host name or IP literal with an optional port. */
const HOST = /^(?:[\w.~%-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;
/**
 * A request target that WHATWG URL parsing leaves exactly as it is: origin form, only characters that need no
 * percent-encoding (no `'`, which the query set encodes), and no `.` right after a `/` or `%2e` (dot segments).
 */
const PLAIN_TARGET = /^\/(?![./])(?:[\w\-~!$&()*+,;=:@%?]|\/(?![./]))*$/;
const HOST_CHARS = /^[a-z0-9_.-]+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Whether URL parsing leaves `host` (lower case) exactly as it is: a name whose last label is not all digits, or a
 * canonical IPv4 address, then no port or a port in range without a leading zero that is not the scheme's default.
 */
function plainHost(host: string, scheme: string): boolean {
  // Every request on a connection names the same host: the last answer is kept.
  if (host === lastHost && scheme === lastScheme) return lastPlain;
  lastHost = host;
  lastScheme = scheme;
  return (lastPlain = checkHost(host, scheme));
}

let lastHost = '';
let lastScheme = '';
let lastPlain = false;

function checkHost(host: string, scheme: string): boolean {
  const colon = host.indexOf(':');
  const name = colon === -1 ? host : host.slice(0, colon);
  if (colon !== -1) {
    const port = host.slice(colon + 1);
    if (!/^[1-9]\d{0,4}$/.test(port) || Number(port) > 65535 || port === (scheme === 'https' ? '443' : '80')) return false;
  }
  if (!HOST_CHARS.test(name) || name.includes('..') || name.startsWith('.')) return false;
  const last = name.endsWith('.') ? name.slice(0, -1) : name;
  const label = last.slice(last.lastIndexOf('.') + 1);
  return /[^0-9]/.test(label) ? !/^0x/.test(label) || /[^0-9a-fx]/.test(label) : IPV4.test(name);
}

/** `scheme://host/path?query` from socket encryption, a well-formed Host header and the request target. */
function buildUrl(req: IncomingMessage): string {
  const scheme = (req.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http';
  const raw = rawGet(req.rawHeaders, 'host') ?? rawGet(req.rawHeaders, ':authority');
  const host = raw !== null && HOST.test(raw) ? raw.toLowerCase() : 'localhost';
  let target = req.url ?? '/';
  const plain = plainHost(host, scheme) && PLAIN_TARGET.test(target) && !/%2e/i.test(target);
  if (plain) return `${scheme}://${host}${target}`;
  try {
    // Absolute form (`GET http://host/path`, from proxies): keep its path; the Host header names the authority.
    if (!target.startsWith('/')) target = /^[a-z][\w+.-]*:\/\//i.test(target) ? new URL(target).pathname + new URL(target).search : '/';
    // Concatenated, never resolved against a base, so a `//evil.example/x` target cannot change the host.
    return new URL(`${scheme}://${host}${target}`).href;
  } catch {
    // A Host that URL parsing rejects (`foo.123`, a port out of range): the request is answered as `localhost`.
    try {
      return new URL(`${scheme}://localhost${target.startsWith('/') ? target : '/'}`).href;
    } catch {
      return `${scheme}://localhost/`;
    }
  }
}

/** A pre-parsed body back as bytes: strings and bytes (express.text/raw) as they are, anything else as JSON. */
function serialise(parsed: unknown): Uint8Array<ArrayBuffer> {
  if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
  return new TextEncoder().encode(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
}

/** UTF-8 with replacement, and a leading byte order mark dropped, as `Request.text()` decodes. */
function decode(bytes: Uint8Array): string {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** NodeRequest's private #textNow, for {@link bufferedText}. */
let textNow: (request: NodeRequest) => string | undefined;

/**
 * A `Request` served straight from an `IncomingMessage`. `method`, `url`, `headers`, `signal`,
 * `body` and the `text()`/`json()`/`arrayBuffer()` reads never build a native Request; any other
 * member (clone, formData, blob, cache, ...) materialises one on first use and delegates to it.
 * Its prototype chain includes `Request.prototype`, so `instanceof Request` holds without
 * touching globals.
 */
class NodeRequest {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #parsed: { value: unknown } | undefined;
  readonly #res: ServerResponse | undefined;
  #signal: AbortSignal | undefined;
  #url: string | undefined;
  #headers: Headers | undefined;
  #stream: ReadableStream<Uint8Array> | undefined;
  #native: Request | undefined;
  #used = false;

  constructor(req: IncomingMessage, options: WebRequestOptions) {
    this.#req = req;
    this.#limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#parsed = options.parsedBody === undefined ? undefined : { value: options.parsedBody };
    this.#res = options.res;
  }

  get method(): string {
    return this.#req.method ?? 'GET';
  }

  get url(): string {
    return (this.#url ??= buildUrl(this.#req));
  }

  get headers(): Headers {
    return (this.#headers ??= nodeHeaders(this.#req));
  }

  get signal(): AbortSignal {
    return (this.#signal ??= disconnectSignal(this.#req, this.#res));
  }

  get #hasBody(): boolean {
    return this.method !== 'GET' && this.method !== 'HEAD';
  }

  /** True once the IncomingMessage was read by someone else (body-parser and the like). */
  get #drained(): boolean {
    return this.#req.readableEnded || this.#req.readableDidRead;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#native) return this.#native.body;
    if (!this.#hasBody) return null;
    if (this.#stream) return this.#stream;
    if (this.#parsed && this.#drained) {
      const bytes = serialise(this.#parsed.value);
      return (this.#stream = new Response(bytes).body!);
    }
    return (this.#stream = streamOf(this.#req, this.#limit));
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#native ? this.#native.bodyUsed : this.#stream?.locked === true);
  }

  async #bytes(): Promise<Uint8Array> {
    if (!this.#hasBody) return new Uint8Array(0);
    if (this.bodyUsed) throw unusable();
    if (this.#native) return new Uint8Array(await this.#native.arrayBuffer());
    this.#used = true;
    if (this.#stream) return new Uint8Array(await new Response(this.#stream).arrayBuffer());
    if (this.#parsed && this.#drained) return serialise(this.#parsed.value);
    if (this.#drained) throw unusable();
    // Called from the 'request' event, the parser has not yet handed over the body that came in the same packet;
    // one microtask later it has, and readAll can take it in one piece.
    if (!this.#req.complete) await undefined;
    return readAll(this.#req, this.#limit);
  }

  async text(): Promise<string> {
    return decode(await this.#bytes());
  }

  /** The whole body as text if every byte of it is buffered already and nobody read it (see bufferedText). */
  #textNow(): string | undefined {
    if (this.#used || this.#native !== undefined || this.#stream !== undefined || !this.#hasBody || this.#drained) return undefined;
    const bytes = takeBuffered(this.#req, this.#limit);
    if (bytes === undefined) return undefined;
    this.#used = true;
    return decode(bytes);
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /** The native Request everything else delegates to, built once, sharing the body stream. */
  #materialise(): Request {
    if (this.#native) return this.#native;
    const body = this.#used || this.#stream?.locked ? null : this.body;
    const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers: this.headers, body, duplex: 'half' };
    const native = new Request(this.url, init);
    this.#native = native;
    return native;
  }

  get [Symbol.toStringTag](): string {
    return 'Request';
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    const shape = { method: this.method, url: this.url, headers: this.headers, bodyUsed: this.bodyUsed };
    return `Request ${inspect(shape, options)}`;
  }

  static {
    textNow = (request) => request.#textNow();
    // Every other Request member is served by the materialised native Request.
    delegateRest(NodeRequest.prototype, 'Request', (self: NodeRequest) => self.#materialise());
  }
}

/**
 * Wrap an `IncomingMessage` as a lazy `Request` (see NodeRequest). Pass the paired `res`
 * so that `request.signal` fires when the client leaves mid-response.
 */
export function toWebRequest(req: IncomingMessage, options: WebRequestOptions = {}): Request {
  return new NodeRequest(req, options) as unknown as Request;
}

/**
 * The whole body of a request made by {@link toWebRequest} as text, when every byte of it is buffered already and
 * nothing read it yet; the body is then used, as after `text()`. Undefined otherwise, and for any other request.
 * The adapter's `RequestContext.bodyTextNow`.
 * @param request A request.
 * @returns The body text, or undefined.
 */
export function bufferedText(request: Request): string | undefined {
  return request instanceof NodeRequest ? textNow(request) : undefined;
}
