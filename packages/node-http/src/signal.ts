import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A string reason on purpose: an object reason (or none, which becomes a DOMException)
 * keeps the controller alive in Node (nodejs/node#55328).
 */
const REASON = 'client disconnected';

/** The response was torn down before its last byte was handed to the socket. */
function responseGone(req: IncomingMessage, res: ServerResponse): boolean {
  return (res.destroyed || res.socket?.destroyed === true || req.errored != null) && !res.writableEnded;
}

/**
 * The "client went away" signal of a request. The caller creates it only when someone asks for it (see
 * `NodeRequest.signal`), so nothing is allocated for handlers that never look.
 *
 * With `res` it aborts when the response closes before `end()` (the client left, or the socket
 * failed). It never aborts on a normal completion: `request.end`/`close` fire after every fully
 * read body, so they are deliberately not used. Without `res` (a bare `toWebRequest`) it can only
 * see the client leave while the request body is still arriving.
 */
export function disconnectSignal(req: IncomingMessage, res?: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abort = (): void => controller.abort(REASON);
  if (res) {
    if (responseGone(req, res)) abort();
    else if (!res.writableEnded) res.once('close', () => !res.writableEnded && abort());
  } else if (req.errored != null || (req.destroyed && !req.complete)) {
    abort();
  } else if (!req.destroyed) {
    req.once('close', () => !req.complete && abort());
  }
  return controller.signal;
}
