/**
 * What every POST to the endpoint goes through before its era is known: media types, the body limit and one JSON
 * parse (SH-02, TRAP-22). The parsed body then picks the stateless or the session path.
 */
import { ErrorCode } from '../jsonrpc/codes';
import { errorText } from '../jsonrpc/serialize';
import type { MaybePromise, RequestContext } from '../types';
import { readJsonBody } from './body';
import type { JsonBody } from './body';
import { mediaType, parseAccept } from './media';
import type { Accepts } from './media';
import { errorResponse, jsonResponse, nullIdFor } from './responses';

/** A POST that passed the checks. */
export interface ReadPost {
  /** The parsed JSON body. */
  readonly body: unknown;
  /** What the client accepts. */
  readonly accepts: Accepts;
}

/** The body read and parsed, or the error response (413, or 400 with -32700). */
function posted(read: JsonBody, request: Request, accepts: Accepts): ReadPost | Response {
  if (read.ok) return { body: read.value, accepts };
  return read.status === 413
    ? errorResponse(413, ErrorCode.InvalidRequest, read.message, { nullId: nullIdFor(request) })
    : jsonResponse(errorText(undefined, { code: ErrorCode.ParseError, message: read.message }, nullIdFor(request)), 400);
}

/**
 * Checks Content-Type and Accept, then reads and parses the body once. Returns without a promise when the adapter
 * already holds the whole body (see `RequestContext.bodyTextNow`).
 * @param request The request.
 * @param rctx Adapter context (a framework may have parsed the body already).
 * @param maxBodyBytes The body limit.
 * @returns The body and accepts, or the error response (415, 406, 413, 400 with -32700).
 */
export function readPost(request: Request, rctx: RequestContext | undefined, maxBodyBytes: number): MaybePromise<ReadPost | Response> {
  // nullIdFor (TRAP-02) is read only when an error is answered: the usual request never needs it.
  const type = mediaType(request.headers.get('content-type'));
  if (type !== 'application/json') {
    return errorResponse(415, ErrorCode.InvalidRequest, `Content-Type must be application/json, got ${type ? `"${type}"` : 'none'}`, { nullId: nullIdFor(request) });
  }
  const accepts = parseAccept(request.headers.get('accept'));
  // Lenient (TRAP-22): a JSON reply is fine when the client lists only application/json or a wildcard.
  if (!accepts.json && !accepts.sse) {
    return errorResponse(406, ErrorCode.InvalidRequest, 'Accept must list application/json and text/event-stream (SH-02)', { nullId: nullIdFor(request) });
  }
  const read = readJsonBody(request, rctx, maxBodyBytes);
  return read instanceof Promise ? read.then((r) => posted(r, request, accepts)) : posted(read, request, accepts);
}
