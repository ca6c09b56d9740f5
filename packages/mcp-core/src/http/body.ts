/**
 * Reading a request body once, under a byte limit.
 */
import { parseJson } from '../jsonrpc/messages';
import type { MaybePromise, RequestContext } from '../types';

/** Thrown when the body is over the limit; answered with 413. */
export class BodyTooLargeError extends Error {
  /** HTTP status to answer with. */
  readonly status = 413;
  /** @param limit The limit in bytes. */
  constructor(readonly limit: number) {
    super(`Request body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

const decoder = /* @__PURE__ */ new TextDecoder();

/**
 * Reads the body as text. Trusts Content-Length when present (the HTTP server enforces framing) and uses the
 * runtime's fast `text()`; otherwise counts bytes while streaming and stops at the limit.
 * @param request The request.
 * @param limit Max bytes.
 * @returns The text.
 */
export async function readBody(request: Request, limit: number): Promise<string> {
  const length = request.headers.get('content-length');
  if (length !== null) {
    const n = Number(length);
    if (n > limit) throw new BodyTooLargeError(limit);
    if (Number.isSafeInteger(n)) {
      try {
        return await request.text();
      } catch (error) {
        if ((error as { status?: unknown })?.status === 413) throw new BodyTooLargeError(limit);
        throw error;
      }
    }
  }
  const body = request.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (error) {
      // An adapter may enforce its own limit on the stream (node-http tags it with status 413).
      if ((error as { status?: unknown })?.status === 413) throw new BodyTooLargeError(limit);
      throw error;
    }
    const { done, value } = step;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return decoder.decode(all);
}

/** The outcome of reading a JSON body: the value, or why not (413 over the limit, 400 not JSON). */
export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

const NOT_JSON: JsonBody = { ok: false, status: 400, message: 'Parse error: the body is not valid JSON' };

function jsonBody(text: string): JsonBody {
  const parsed = parseJson(text);
  return parsed === undefined ? NOT_JSON : { ok: true, value: parsed.value };
}

async function readJsonText(request: Request, limit: number): Promise<JsonBody> {
  let text: string;
  try {
    text = await readBody(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, status: 413, message: error.message };
    throw error;
  }
  return jsonBody(text);
}

/**
 * Reads and parses the body once, or takes a body the framework already parsed. Without a promise when the adapter
 * holds the whole body already (`RequestContext.bodyTextNow`) and its Content-Length is within the limit.
 * @param request The request.
 * @param rctx The adapter context: `parsedBody` and `bodyTextNow` are read.
 * @param limit Max bytes.
 * @returns The value or the failure.
 */
export function readJsonBody(request: Request, rctx: RequestContext | undefined, limit: number): MaybePromise<JsonBody> {
  if (rctx !== undefined) {
    if (rctx.parsedBody !== undefined) return { ok: true, value: rctx.parsedBody };
    if (rctx.bodyTextNow !== undefined) {
      const length = request.headers.get('content-length');
      // Over the limit, or no length to check against it: the reading path below counts and refuses.
      if (length !== null && Number(length) <= limit) {
        const text = rctx.bodyTextNow();
        if (text !== undefined) return jsonBody(text);
      }
    }
  }
  return readJsonText(request, limit);
}
