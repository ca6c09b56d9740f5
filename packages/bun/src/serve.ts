import { servedResponse } from '@x/mcp-core';
import type { FetchHandler, RequestContext } from '@x/mcp-core';
import { drainUpload, holdUpload } from './upload';

/** Options of the Bun {@link serve}. */
export interface BunServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1': listen on all interfaces only when asked to. */
  hostname?: string;
  /** Seconds an idle connection is kept (Bun's default 10, at most 255). Never applied while a handler runs or an SSE stream is open. */
  idleTimeout?: number;
  /** Bun's own request body cap in bytes (Bun's default 128 MiB). The core's `maxBodyBytes` still applies. */
  maxRequestBodySize?: number;
  onListen?: (info: { port: number; hostname: string; url: string }) => void;
  /** Called with errors thrown by the handler. Default: console.error. */
  onError?: (error: unknown) => void;
}

/** A listening Bun server, as {@link serve} resolves it. */
export interface BunServer {
  readonly port: number;
  /** `http://127.0.0.1:3000`: no trailing slash, no path. */
  readonly url: string;
  /** Stop listening and drop open connections (SSE streams included). */
  close(): Promise<void>;
}

/** The one fixed body the adapter may send: the handler failed before producing a response. */
const INTERNAL_ERROR = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}';
const OPENING_COMMENT = new TextEncoder().encode(':\n\n');

/** The part of Bun's server the request context uses. */
type PeerLookup = { requestIP(request: Request): { address: string } | null };

/**
 * What the adapter tells the core about a request, each part read from Bun on first use: the core reads `signal`
 * only when a handler looks at `ctx.signal` (or a listen stream opens), and `remoteAddress` only when a handler
 * asks, so an ordinary call makes Bun build neither.
 */
class BunContext implements RequestContext {
  /** The core's responses come lazy, and {@link servedResponse} builds the one native Response Bun serves. */
  readonly lazyResponse = true;
  readonly #request: Request;
  readonly #server: PeerLookup;
  /** The peer address once asked for (null: not yet; undefined: Bun did not know it). */
  #address: string | undefined | null = null;

  constructor(request: Request, server: PeerLookup) {
    this.#request = request;
    this.#server = server;
  }

  /** Bun aborts it when the client goes away. */
  get signal(): AbortSignal {
    return this.#request.signal;
  }

  get remoteAddress(): string | undefined {
    if (this.#address === null) this.#address = this.#server.requestIP(this.#request)?.address;
    return this.#address;
  }
}

/** Serve `mcp.handle` (or any fetch handler) with `Bun.serve`; resolves once listening. */
export async function serve(mcp: { handle: FetchHandler } | FetchHandler, options: BunServeOptions = {}): Promise<BunServer> {
  const handle = typeof mcp === 'function' ? mcp : mcp.handle;
  const { port = 3000, hostname = '127.0.0.1', idleTimeout = 10, onListen, onError = (e: unknown) => console.error('[mcp-bun]', e) } = options;
  const server = Bun.serve({
    port,
    hostname,
    idleTimeout,
    ...(options.maxRequestBodySize === undefined ? {} : { maxRequestBodySize: options.maxRequestBodySize }),
    async fetch(request, server) {
      // Bun closes a connection after `idleTimeout` seconds without traffic, even mid-request:
      // lift the timer while the handler runs, so that long calls are never cut.
      server.timeout(request, 0);
      // A streamed upload (no Content-Length) is held, so that the core's body limit can stop reading it without
      // stopping the upload; see ./upload.ts for why the rest is drained before answering.
      const held = request.method !== 'GET' && request.headers.get('content-length') === null ? holdUpload(request) : undefined;
      let response: Response;
      try {
        response = await handle(held === undefined ? request : held.request, new BunContext(request, server));
      } catch (error) {
        try {
          onError(error);
        } catch {
          // a throwing reporter must not turn into Bun's error page
        }
        response = new Response(INTERNAL_ERROR, { status: 500, headers: { 'content-type': 'application/json' } });
      }
      // An early answer (413, 401, ...) may leave the client uploading: discard the rest first, or Bun's close
      // would reach the client as a reset instead of the answer.
      if (held !== undefined) await held.rest();
      else if (!request.bodyUsed && request.method !== 'GET' && request.body !== null) await drainUpload(request.body.getReader());
      // An SSE stream may stay quiet for longer than idleTimeout: keep the timer off until it ends,
      // then put it back for the idle connection (at once for a body already in memory, or a stream
      // written in full while the handler ran). Cancellation still reaches the producer.
      // Bun holds the end of the head back until the first body chunk (oven-sh/bun#33660), so a
      // live stream that starts quiet would leave the client waiting: open it with an SSE comment,
      // which every SSE parser ignores.
      return servedResponse(response, () => server.timeout(request, idleTimeout), OPENING_COMMENT.slice());
    },
  });
  const host = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  const url = `http://${host}:${server.port}`;
  onListen?.({ port: server.port!, hostname, url });
  return { port: server.port!, url, close: () => server.stop(true) };
}
