/**
 * The HTTP+SSE transport of 2024-11-05 (checklist §3), for clients that never moved to Streamable HTTP:
 * `GET /sse` opens the stream and with it the session, its first event names the URI to POST to; client messages
 * arrive on `POST /messages?sessionId=...` (202) and every answer travels on the stream as `event: message`.
 * The SSE connection is the session (SSE-07): when it closes, the session ends and its work is cancelled.
 */
import { ErrorCode } from '../jsonrpc/codes';
import { classify } from '../jsonrpc/messages';
import { errorText, resultText } from '../jsonrpc/serialize';
import { isValidSessionId } from '../session/index';
import { SSE_HEADERS, createSseStream, encodeSseEvent } from '../sse/index';
import type { RequestContext } from '../types';
import { readJsonBody } from './body';
import type { Channel } from './exchange';
import { LiveSession } from './live-session';
import { mediaType, parseAccept } from './media';
import { errorResponse, jsonResponse } from './responses';
import { streamResponse, textResponse } from './text-response';
import type { StreamableHttp } from './streamable';

/** Settings of the HTTP+SSE transport. */
export interface LegacySseSettings {
  /** Path of the GET stream endpoint. */
  readonly ssePath: string;
  /** Path of the POST endpoint. */
  readonly messagesPath: string;
  readonly maxBodyBytes: number;
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
}

/** Characters left as they are in the path part of the endpoint URI; the rest is percent-encoded. */
const UNSAFE_PATH = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;

/** One request's messages, all on the session's single SSE connection. */
class StreamChannel implements Channel {
  #open = true;
  constructor(private readonly session: LiveSession) {}
  related(text: string): boolean {
    if (!this.#open || this.session.channel === undefined) return false;
    this.session.channel.send(text);
    return true;
  }
  upgrade(): boolean {
    return this.#open;
  }
  get open(): boolean {
    return this.#open;
  }
  reply(text: string | undefined): void {
    if (!this.#open) return;
    this.#open = false;
    if (text !== undefined) this.session.channel?.send(text);
  }
  closeConnection(): void {
    // Closing the only stream would end the session: there is no SSE polling on this transport.
  }
}

const ACCEPTED_FIELDS: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
const accepted = (): Response => textResponse('Accepted', 202, ACCEPTED_FIELDS);

/**
 * HTTP+SSE on top of the session machinery of the Streamable HTTP transport (same registry, limits and cap).
 */
export class LegacySse {
  /**
   * @param transport The session transport it shares sessions, dispatch and the cap with.
   * @param settings Paths and limits.
   */
  constructor(
    private readonly transport: StreamableHttp,
    private readonly settings: LegacySseSettings,
  ) {}

  /**
   * GET: opens the stream and the session (SSE-01, SSE-02).
   * @param request The request.
   * @param rctx Adapter context.
   * @param prefix The mount prefix to put before the POST path (already percent-encoded or raw; it is encoded here).
   * @returns The SSE response.
   */
  get(request: Request, rctx: RequestContext | undefined, prefix: string): Response {
    const accept = request.headers.get('accept');
    if (accept !== null && !parseAccept(accept).sse) {
      return errorResponse(406, ErrorCode.InvalidRequest, 'The SSE endpoint needs Accept: text/event-stream');
    }
    if (this.transport.full) {
      return errorResponse(503, ErrorCode.InternalError, 'Too many open sessions; retry later', { headers: { 'retry-after': '5' } });
    }
    const record = this.transport.newRecord(rctx);
    const session = new LiveSession(this.transport, record);
    const conn = createSseStream({
      keepAliveMs: this.settings.keepAliveMs,
      maxBufferedBytes: this.settings.maxBufferedBytes,
      onClose: () => {
        session.connectionClosed();
        // SSE-07: the connection is the session.
        session.close('close');
      },
    });
    session.channel = {
      send: (text) => {
        conn.send(encodeSseEvent({ event: 'message', data: text }));
      },
      close: () => conn.close(),
    };
    session.connectionOpened();
    this.transport.adopt(session);
    const uri = `${prefix.replace(UNSAFE_PATH, encodeURIComponent)}${this.settings.messagesPath}?sessionId=${encodeURIComponent(record.id)}`;
    conn.send(encodeSseEvent({ event: 'endpoint', data: uri }));
    return streamResponse(conn, SSE_HEADERS);
  }

  /**
   * POST: one client message for a session (SSE-04, SSE-05). Answers 202; responses go on the stream.
   * @param request The request.
   * @param rctx Adapter context.
   * @returns 202, or the error status.
   */
  async post(request: Request, rctx: RequestContext | undefined): Promise<Response> {
    const url = request.url;
    const q = url.indexOf('?');
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const sid = query.get('sessionId') ?? query.get('session_id');
    if (sid === null || sid === '') {
      return errorResponse(400, ErrorCode.InvalidRequest, 'Missing sessionId query parameter: open the SSE stream first and POST to the URI its endpoint event names');
    }
    if (!isValidSessionId(sid)) return errorResponse(400, ErrorCode.InvalidRequest, 'Malformed sessionId query parameter');
    const session = this.transport.sessions.get(sid);
    if (session === undefined || session.channel === undefined || (session.record.subject !== undefined && session.record.subject !== rctx?.authInfo?.subject)) {
      return errorResponse(404, ErrorCode.InvalidRequest, 'Unknown sessionId: its SSE stream is closed or never existed');
    }
    const type = mediaType(request.headers.get('content-type'));
    if (type !== 'application/json') {
      return errorResponse(415, ErrorCode.InvalidRequest, `Content-Type must be application/json, got ${type ? `"${type}"` : 'none'}`);
    }
    const channel = session.channel;
    // A message that cannot be read is refused (400) and the session hears of it on its stream.
    // TRAP-02: an id-less error is `"id":null` for sessions up to 2025-06-18 and leaves `id` out from 2025-11-25.
    const nullId = session.record.protocolVersion < '2025-11-25';
    const refuse = (code: number, message: string, id?: string | number): Response => {
      channel.send(errorText(id, { code, message }, nullId));
      return errorResponse(400, code, message, id === undefined ? { nullId } : { id });
    };
    const read = await readJsonBody(request, rctx, this.settings.maxBodyBytes);
    if (!read.ok) return read.status === 413 ? errorResponse(413, ErrorCode.InvalidRequest, read.message) : refuse(ErrorCode.ParseError, read.message);
    const body = read.value;
    const c = classify(body);
    if (c.kind === 'invalid') {
      return refuse(c.code, Array.isArray(body) ? 'Batches are not part of the HTTP+SSE transport; send one message per POST' : c.reason, c.id);
    }
    session.record.lastSeenAt = Date.now();
    if (c.kind === 'notification') this.transport.notification(session, c.message);
    else if (c.kind === 'response') session.resolveResponse(c.message);
    else if (c.message.method === 'initialize') {
      const id = c.message.id;
      if (session.record.clientInfo !== undefined) {
        channel.send(errorText(id, { code: ErrorCode.InvalidRequest, message: 'This session is already initialized' }));
      } else {
        try {
          const result = this.transport.handshake(c.message.params, session.record);
          this.transport.save(session.record);
          channel.send(resultText(id, result));
        } catch (error) {
          channel.send(errorText(id, { code: ErrorCode.InvalidParams, message: (error as Error).message }));
        }
      }
    } else {
      // AUTH-06: a refused scope is answered on the POST, whose status and challenge the client can act on, and on
      // the stream, so that the request it waits for is answered.
      const refused = this.transport.refusal(c.message, rctx, session.record.protocolVersion);
      if (refused !== undefined) {
        const { error, http } = refused;
        const text = errorText(c.message.id, { code: error.code, message: error.message, data: error.data });
        channel.send(text);
        return jsonResponse(text, http.status, http.headers);
      }
      session.transition('request');
      this.transport.run(session, c.message, new StreamChannel(session), rctx);
    }
    return accepted();
  }
}
