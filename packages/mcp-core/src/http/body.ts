/**
 * Reading a request body once, under a byte limit.
 */
import { parseJson } from '../jsonrpc/messages';

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

/**
 * Reads and parses the body once, or takes a body the framework already parsed.
 * @param request The request.
 * @param parsedBody `RequestContext.parsedBody`, when given.
 * @param limit Max bytes.
 * @returns The value or the failure.
 */
export async function readJsonBody(request: Request, parsedBody: unknown, limit: number): Promise<JsonBody> {
  if (parsedBody !== undefined) return { ok: true, value: parsedBody };
  let text: string;
  try {
    text = await readBody(request, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, status: 413, message: error.message };
    throw error;
  }
  const parsed = parseJson(text);
  return parsed === undefined ? { ok: false, status: 400, message: 'Parse error: the body is not valid JSON' } : { ok: true, value: parsed.value };
}
