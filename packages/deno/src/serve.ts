import { servedResponse } from '@x/mcp-core';
import type { FetchHandler, RequestContext } from '@x/mcp-core';

/** The slice of the Deno namespace this adapter uses; declared here so no Deno types leak into the build. */
declare const Deno: {
  serve(
    options: { port: number; hostname: string; signal?: AbortSignal; onListen?: (addr: { hostname: string; port: number }) => void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

/** Options of the Deno {@link serve}. */
export interface DenoServeOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1': listen on all interfaces only when asked to. */
  hostname?: string;
  /** Aborting it shuts the server down, as `close()` does. */
  signal?: AbortSignal;
  onListen?: (info: { port: number; hostname: string; url: string }) => void;
  /** Called with errors thrown by the handler. Default: console.error. */
  onError?: (error: unknown) => void;
}

/** A listening Deno server, as {@link serve} resolves it. */
export interface DenoServer {
  readonly port: number;
  /** `http://127.0.0.1:3000`: no trailing slash, no path. */
  readonly url: string;
  /** Resolves once the server has shut down. */
  readonly finished: Promise<void>;
  /** Stop accepting and wait for open responses to end (end SSE streams first, e.g. with `mcp.close()`). */
  close(): Promise<void>;
}

/** The one fixed body the adapter may send: the handler failed before producing a response. */
const INTERNAL_ERROR = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}';
const REASON = 'client disconnected';

/**
 * What the adapter tells the core about a request, each part made on first read. Deno builds a request's `signal`
 * only when something reads it, and then aborts it after every response, with a `DOMException` whose stack trace
 * alone costs more than the rest of a small call. The core reads `signal` only when a handler looks at its own
 * `ctx.signal` (or a listen stream opens), so a call that never does leaves Deno's untouched.
 */
class DenoContext implements RequestContext {
  /** Set once the response is complete: Deno's abort after that is not a disconnect. */
  settled = false;
  /** The core's responses come lazy, and {@link servedResponse} builds the one native Response Deno serves. */
  readonly lazyResponse = true;
  #controller: AbortController | undefined;
  readonly #request: Request;
  readonly #info: { remoteAddr: { hostname: string } };

  constructor(request: Request, info: { remoteAddr: { hostname: string } }) {
    this.#request = request;
    this.#info = info;
  }

  /** Fires while the handler runs or an SSE body is still being sent: a real disconnect. */
  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = (this.#controller = new AbortController());
    const abort = (): void => void (this.settled || controller.abort(REASON));
    const source = this.#request.signal;
    if (source.aborted) abort();
    else source.addEventListener('abort', abort, { once: true });
    return controller.signal;
  }

  get remoteAddress(): string {
    return this.#info.remoteAddr.hostname;
  }
}

/** Serve `mcp.handle` (or any fetch handler) with `Deno.serve`; resolves once listening. */
export async function serve(mcp: { handle: FetchHandler } | FetchHandler, options: DenoServeOptions = {}): Promise<DenoServer> {
  const handle = typeof mcp === 'function' ? mcp : mcp.handle;
  const { port = 3000, hostname = '127.0.0.1', signal, onListen, onError = (e: unknown) => console.error('[mcp-deno]', e) } = options;
  let listening = (_port: number): void => {};
  const ready = new Promise<number>((resolve) => (listening = resolve));
  const server = Deno.serve({ port, hostname, signal, onListen: (addr) => listening(addr.port) }, async (request, info) => {
    const rctx = new DenoContext(request, info);
    let response: Response;
    try {
      response = await handle(request, rctx);
    } catch (error) {
      try {
        onError(error);
      } catch {
        // a throwing reporter must not turn into Deno's plain-text 500
      }
      rctx.settled = true;
      return new Response(INTERNAL_ERROR, { status: 500, headers: { 'content-type': 'application/json' } });
    }
    // A body already in memory ends the handler's part; a streamed one still sees cancel() when the client leaves.
    return servedResponse(response, () => (rctx.settled = true));
  });
  const actual = await ready;
  const host = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  const url = `http://${host}:${actual}`;
  onListen?.({ port: actual, hostname, url });
  return { port: actual, url, finished: server.finished, close: () => server.shutdown() };
}
