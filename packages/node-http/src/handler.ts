import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler, RequestContext } from '@x/mcp-core';
import { bodyDone, bufferedText, toWebRequest } from './request';
import { sendStreamed, sendTextNow } from './send';

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Max request body bytes the lazy request's text()/json()/arrayBuffer() (and `body`) will
   * buffer; default 4 MiB. Over it the read rejects with an error whose `name` is
   * 'BodyTooLargeError' and `status` 413: the handler decides what to answer.
   */
  maxBodyBytes?: number;
  /** Called with errors the adapter swallowed (handler throws, body stream errors). Default: console.error. Client aborts are never reported. */
  onError?: (error: unknown) => void;
}

/** Unread request bytes we are willing to discard after an early response, and for how long. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 500;

/** The bridge's last resort, sent only when the handler failed before any header went out. */
const INTERNAL_ERROR = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}';

function fail(res: ServerResponse): void {
  try {
    if (res.headersSent || res.destroyed) return void res.destroy();
    res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(INTERNAL_ERROR) });
    res.end(INTERNAL_ERROR);
  } catch {
    res.destroy();
  }
}

/**
 * After an early response (413, 401, ...) the client may still be uploading. Closing now would
 * race an RST against the response (the client sees ECONNRESET, not the status), so discard the
 * rest of the body for a short while, then give up on the socket if it is still unread.
 */
function drainAfterFinish(req: IncomingMessage, res: ServerResponse): void {
  const drain = (): void => {
    if (bodyDone(req) || req.destroyed) return;
    let seen = 0;
    const stop = (): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', stop);
      if (!req.complete) req.socket?.destroySoon();
    };
    const onData = (chunk: Buffer): void => {
      if ((seen += chunk.length) > DRAIN_MAX_BYTES) stop();
    };
    const timer = setTimeout(stop, DRAIN_MAX_MS).unref();
    req.on('data', onData).once('end', stop).resume();
  };
  res.once('finish', drain);
}

/**
 * The request context the adapter passes: a class, so a request allocates one small object and the getters
 * live on the prototype.
 */
class NodeContext implements RequestContext {
  /** We write the response ourselves (sendWebResponse reads a lazy response's fields and string). */
  readonly lazyResponse = true;
  readonly #req: IncomingMessage;
  readonly #request: Request;
  readonly parsedBody: unknown;

  constructor(req: IncomingMessage, request: Request, parsedBody: unknown) {
    this.#req = req;
    this.#request = request;
    this.parsedBody = parsedBody;
  }

  get signal(): AbortSignal {
    return this.#request.signal;
  }

  /** The body, when Node's parser has handed all of it over already: the core then parses it without a promise. */
  bodyTextNow(): string | undefined {
    return bufferedText(this.#request);
  }

  /** A getter: reading the peer address is a call into the socket, and most requests never look. */
  get remoteAddress(): string | undefined {
    return this.#req.socket?.remoteAddress;
  }
}

/**
 * Turn a fetch handler into a `node:http` request listener. The returned promise never rejects:
 * failures become a 500 (or a destroyed response once headers are out) and go to `onError`.
 * Express/Koa can pass an already parsed body as the third argument.
 */
export function toNodeHandler(
  handler: FetchHandler,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse, parsedBody?: unknown) => Promise<void> {
  const { maxBodyBytes, onError = (error: unknown) => console.error('[mcp-node-http]', error) } = options;
  const report = (error: unknown): void => {
    try {
      onError(error);
    } catch {
      // A throwing reporter must not take the process down either.
    }
  };
  return async (req, res, parsedBody) => {
    try {
      const request = toWebRequest(req, { res, parsedBody, maxBodyBytes });
      const context = new NodeContext(req, request, parsedBody);
      // Called from the 'request' event, the parser has not yet handed over the body that came in the same packet;
      // one microtask later it has, and the handler finds the usual small body whole (bodyTextNow).
      if (!req.complete) await undefined;
      const response = await handler(request, context);
      // The usual JSON answer is written at once; streams and native responses are pumped.
      if (!sendTextNow(res, response, request)) await sendStreamed(res, response, request);
    } catch (error) {
      report(error);
      fail(res);
    }
    // An early answer (413, 401, ...) may leave the client uploading: discard the rest for a while.
    if (!bodyDone(req) && !req.destroyed) drainAfterFinish(req, res);
  };
}
