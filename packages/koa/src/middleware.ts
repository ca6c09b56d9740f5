import type { AuthInfo, FetchHandler, RequestContext } from '@x/mcp-core';
import { bufferedText, sendWebResponse, toWebRequest } from '@x/mcp-node-http';
import type { Middleware } from 'koa';

/** Options of {@link mcpMiddleware}. */
export interface McpMiddlewareOptions {
  /**
   * The path or paths served; other paths go to `next()`. Default '/mcp' (the core's default endpoint). Add
   * '/sse' and '/messages' to serve the 2024-11-05 HTTP+SSE transport too.
   */
  path?: string | readonly string[];
  /** Most request-body bytes read when no body parser ran first. Default 4 MiB. */
  maxBodyBytes?: number;
}

/** Connection-level fields Koa must not copy from a Fetch Response; Content-Length Koa sets itself. */
const SKIP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'content-length', 'set-cookie']);
/** The one fixed body the adapter may send: the handler failed before producing a response. */
const INTERNAL_ERROR = '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}';

/**
 * Koa middleware serving `mcp.handle` (or any fetch handler) at `path`. It passes `ctx.request.body`
 * (from a body parser) as `parsedBody`, `ctx.state.auth` as `authInfo`, and a prefix stripped by a
 * router as `mountPath`. An SSE response is written
 * straight to the socket (`ctx.respond = false`), so no later middleware can buffer it; any other
 * response becomes `ctx.status`, headers and a Buffer `ctx.body`, so Koa middleware (compression,
 * logging) applies as usual.
 */
export function mcpMiddleware(mcp: { handle: FetchHandler } | FetchHandler, options: McpMiddlewareOptions = {}): Middleware {
  const handle = typeof mcp === 'function' ? mcp : mcp.handle;
  const { path = '/mcp', maxBodyBytes } = options;
  const paths = new Set(typeof path === 'string' ? [path] : path);
  return async (ctx, next) => {
    if (!paths.has(ctx.path)) return next();
    // A prefix a router stripped from the URL (koa-mount): what is left of the original path before ctx.path.
    const original = ctx.originalUrl.split('?')[0]!;
    const mountPath = original.length > ctx.path.length && original.endsWith(ctx.path) ? original.slice(0, -ctx.path.length) : undefined;
    const parsedBody: unknown = (ctx.request as { body?: unknown }).body;
    const request = toWebRequest(ctx.req, { res: ctx.res, parsedBody, ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) });
    const context: RequestContext = {
      get signal() {
        return request.signal;
      },
      remoteAddress: ctx.request.ip || undefined,
      authInfo: ctx.state.auth as AuthInfo | undefined,
      ...(mountPath === undefined ? {} : { mountPath }),
      // Without a body parser in front, a body that came with the head is handed to the core whole, so it parses
      // it without a promise (RequestContext.bodyTextNow).
      ...(parsedBody === undefined ? { bodyTextNow: () => bufferedText(request) } : { parsedBody }),
    };
    // A body sent with the head is in Node's buffer one microtask after the request event (as in node-http).
    if (parsedBody === undefined && !ctx.req.complete) await undefined;
    let response: Response;
    try {
      response = await handle(request, context);
    } catch (error) {
      ctx.app.emit('error', error, ctx);
      ctx.status = 500;
      ctx.type = 'application/json';
      ctx.body = INTERNAL_ERROR;
      return;
    }
    if (response.headers.get('content-type')?.toLowerCase().startsWith('text/event-stream')) {
      ctx.status = response.status; // for logging middleware; sendWebResponse writes the real head
      ctx.respond = false;
      return sendWebResponse(ctx.res, response, request).catch((error: unknown) => {
        ctx.app.emit('error', error, ctx);
        if (!ctx.res.headersSent) ctx.res.writeHead(500, { 'content-type': 'application/json' }).end(INTERNAL_ERROR);
        else ctx.res.destroy();
      });
    }
    const bytes = response.body ? Buffer.from(await response.arrayBuffer()) : null;
    ctx.body = bytes && bytes.length > 0 ? bytes : null;
    ctx.status = response.status;
    if (response.statusText) ctx.message = response.statusText;
    response.headers.forEach((value, name) => SKIP.has(name) || ctx.set(name, value));
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) ctx.set('set-cookie', cookies);
  };
}
