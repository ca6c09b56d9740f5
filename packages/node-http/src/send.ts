import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Connection-specific fields a Fetch Response must not carry onto this connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);
const NOT_READY = Symbol('not ready');
/** Set by @x/mcp-core on responses it builds from a string (see its `text-response.ts`). */
const BODY_TEXT = Symbol.for('x-mcp.bodyText');
/** The header fields of a lazy @x/mcp-core response, as a record, while its native Response was never built. */
const HEAD_FIELDS = Symbol.for('x-mcp.headFields');
/** The chunk source of a lazy @x/mcp-core streaming response (`pull()` until null, `cancel()`). */
const BODY_SOURCE = Symbol.for('x-mcp.bodySource');
const REASON = 'client disconnected';
const noop = (): void => {};

type Read = ReadableStreamReadResult<Uint8Array>;

interface Head {
  /** Flat `[name, value, name, value, ...]`: keeps every `set-cookie` line. */
  list: string[];
  sse: boolean;
  sized: boolean;
}

function flatten(headers: Headers): Head {
  const head: Head = { list: [], sse: false, sized: false };
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : undefined;
  headers.forEach((value, name) => {
    name = name.toLowerCase();
    if (HOP_BY_HOP.has(name) || (cookies && name === 'set-cookie')) return;
    if (name === 'content-type' && value.toLowerCase().startsWith('text/event-stream')) head.sse = true;
    if (name === 'content-length') head.sized = true;
    head.list.push(name, value);
  });
  for (const cookie of cookies ?? []) head.list.push('set-cookie', cookie);
  return head;
}

function writeHead(res: ServerResponse, response: Response, list: string[]): void {
  const reason = response.statusText?.replace(/[\r\n]/g, '');
  if (reason) res.writeHead(response.status, reason, list);
  else res.writeHead(response.status, list);
}

/** The socket a cork of ours holds, while that cork is pending. */
const CORKED = Symbol('corked by sendWebResponse');
type Corkable = ServerResponse & { [CORKED]?: Socket };

/** Lifts our cork at the end of the burst, if it is still on. */
function uncork(res: Corkable): void {
  const socket = res[CORKED];
  if (socket === undefined) return;
  res[CORKED] = undefined;
  socket.uncork();
}

/**
 * Corks the response's socket until the current run of ticks and microtasks is over, so chunks a producer enqueued
 * together (an SSE burst: ten progress events and the result) leave in one write instead of one packet each.
 *
 * The socket is corked, not the response: `ServerResponse.cork()` on Node 24 holds chunked data in the response,
 * and `end()` then writes the last chunk ahead of it. A corked socket keeps every write in order, and `end()`
 * lifts its cork fully, so a stream that ends within its burst leaves in one write, terminator included.
 */
function corkBurst(res: Corkable): void {
  if (res[CORKED] !== undefined) return;
  const socket = res.socket;
  if (socket === null || socket.destroyed) return;
  res[CORKED] = socket;
  socket.cork();
  process.nextTick(uncork, res);
}

/** Ends the response; `end()` uncorks the socket fully, so our pending cork is released with it. */
function finish(res: Corkable): void {
  res[CORKED] = undefined;
  res.end();
}

/** The read's result if it settles before the next macrotask (a body already in memory), else NOT_READY. */
function readNow(read: Promise<Read>): Promise<Read | typeof NOT_READY> {
  return Promise.race([read, new Promise<typeof NOT_READY>((resolve) => setImmediate(resolve, NOT_READY))]);
}

/** Where a streamed body's chunks come from: the next one (null at the end, or a promise of either), and cancel. */
interface Chunks {
  next(): string | Uint8Array | null | Promise<string | Uint8Array | null>;
  cancel(): void;
}

/** A web stream reader as {@link Chunks}; `first` is a read already started. */
function readerChunks(reader: ReadableStreamDefaultReader<Uint8Array>, first: Promise<Read>): Chunks {
  let pending: Promise<Read> | undefined = first;
  return {
    next() {
      const read = pending ?? reader.read();
      pending = undefined;
      return read.then((r) => (r.done ? null : r.value));
    },
    cancel() {
      reader.cancel(REASON).catch(noop);
    },
  };
}

/**
 * Read → write → wait for `drain` when the socket is full. If the response closes or errors
 * first, cancel (not release) the source so the producer's cancel runs and its timers stop.
 * A body that errors destroys the response and rejects.
 */
async function pump(res: ServerResponse, chunks: Chunks): Promise<void> {
  let gone = false;
  let wake = noop;
  const onGone = (): void => {
    gone = true;
    chunks.cancel();
    wake();
  };
  const drained = (): Promise<void> =>
    new Promise((resolve) => {
      wake = () => {
        res.off('drain', wake);
        wake = noop;
        resolve();
      };
      res.on('drain', wake);
    });
  res.on('close', onGone).on('error', onGone);
  try {
    if (res.destroyed) return onGone();
    for (;;) {
      let chunk = chunks.next();
      if (chunk instanceof Promise) chunk = await chunk;
      if (gone) return;
      if (chunk === null) return finish(res);
      corkBurst(res);
      if (!res.write(chunk)) await drained();
      if (gone) return;
    }
  } catch (error) {
    if (gone) return;
    chunks.cancel();
    res.destroy();
    throw error;
  } finally {
    res.off('close', onGone).off('error', onGone);
  }
}

/** The head of a lazy core response as a flat `[name, value, ...]` list, hop-by-hop fields left out. */
function lazyHead(fields: Record<string, string>): string[] {
  const list: string[] = [];
  for (const name in fields) if (!HOP_BY_HOP.has(name)) list.push(name, fields[name]!);
  return list;
}

/** Whether the answer carries no body: a HEAD request, or 204 and 304. */
function bodilessAnswer(res: ServerResponse, status: number, request: { method?: string } | undefined): boolean {
  const method = request?.method ?? res.req?.method;
  return method === 'HEAD' || status === 204 || status === 304;
}

/**
 * Writes a lazy @x/mcp-core response whose body is a string (the usual JSON answer) at once, without a promise.
 * @param res The response to write.
 * @param response The core's response.
 * @param request The request it answers (for HEAD).
 * @returns false, having written nothing, for any other response: {@link sendWebResponse} writes those.
 */
export function sendTextNow(res: ServerResponse, response: Response, request?: { method?: string }): boolean {
  const lazy = response as unknown as Record<symbol, unknown>;
  const fields = lazy[HEAD_FIELDS] as Record<string, string> | undefined;
  if (fields === undefined || res.destroyed || lazy[BODY_SOURCE] !== undefined) return false;
  const list = lazyHead(fields);
  const status = response.status;
  const bodyless = bodilessAnswer(res, status, request);
  const text = lazy[BODY_TEXT] as string | undefined;
  if (!bodyless && fields['content-length'] === undefined) list.push('content-length', text === undefined ? '0' : String(Buffer.byteLength(text)));
  res.writeHead(status, list);
  if (bodyless || text === undefined) res.end();
  else res.end(text);
  return true;
}

/**
 * Write a Fetch `Response` to a `ServerResponse`. One `writeHead` with a flat header list
 * (duplicate `set-cookie` kept, hop-by-hop fields dropped). A body that is already in memory
 * goes out in one `end()` with Content-Length; anything else is streamed with backpressure,
 * `text/event-stream` with headers flushed at once and Nagle off. HEAD cancels the body.
 * Resolves when the body has been handed to Node (or the client left); rejects if the head
 * cannot be written (nothing sent) or the body stream errors (the response is destroyed).
 */
export async function sendWebResponse(res: ServerResponse, response: Response, request?: { method?: string }): Promise<void> {
  if (!sendTextNow(res, response, request)) await sendStreamed(res, response, request);
}

/**
 * {@link sendWebResponse} for any response but the one {@link sendTextNow} writes: a streamed lazy core response, or
 * a native one.
 * @param res The response to write.
 * @param response The response.
 * @param request The request it answers (for HEAD).
 */
export async function sendStreamed(res: ServerResponse, response: Response, request?: { method?: string }): Promise<void> {
  const lazy = response as unknown as Record<symbol, unknown>;
  const fields = lazy[HEAD_FIELDS] as Record<string, string> | undefined;
  // A lazy core response with a streamed body (the core's SSE streams): text chunks pulled straight from the
  // source, no web stream; Node encodes them as UTF-8 while writing. (One with a string body was written above.)
  const source = lazy[BODY_SOURCE] as { pull(): string | null | Promise<string | null>; cancel(): void } | undefined;
  if (fields !== undefined && source !== undefined && !res.destroyed) {
    const chunks: Chunks = { next: () => source.pull(), cancel: () => source.cancel() };
    try {
      res.writeHead(response.status, lazyHead(fields));
    } catch (error) {
      chunks.cancel();
      throw error;
    }
    if (bodilessAnswer(res, response.status, request)) {
      chunks.cancel();
      return void res.end();
    }
    if (fields['content-type']?.toLowerCase().startsWith('text/event-stream')) {
      res.socket?.setNoDelay(true);
      res.socket?.setTimeout(0);
    }
    corkBurst(res);
    res.flushHeaders();
    return pump(res, chunks);
  }
  const head = flatten(response.headers);
  const bodyless = bodilessAnswer(res, response.status, request);
  // A body the core made from a string (and nobody read since): sent as is, without reading the body stream.
  const text = lazy[BODY_TEXT];
  if (typeof text === 'string' && !response.bodyUsed && !res.destroyed && !bodyless) {
    if (!head.sized) head.list.push('content-length', String(Buffer.byteLength(text)));
    writeHead(res, response, head.list);
    return void res.end(text);
  }
  const body = response.body;
  if (!body || bodyless || res.destroyed) {
    body?.cancel(REASON).catch(noop);
    if (res.destroyed) return;
    if (!body && !bodyless && !head.sized) head.list.push('content-length', '0');
    writeHead(res, response, head.list);
    return void res.end();
  }

  const reader = body.getReader();
  if (head.sse) {
    // An event stream is never sized: the head goes now, corked, so it leaves in one write with the events that
    // are already queued (or alone at the next tick, for a stream that sleeps before its first event).
    try {
      writeHead(res, response, head.list);
    } catch (error) {
      reader.cancel(REASON).catch(noop);
      throw error;
    }
    res.socket?.setNoDelay(true);
    res.socket?.setTimeout(0);
    corkBurst(res);
    res.flushHeaders();
    return pump(res, readerChunks(reader, reader.read()));
  }
  const ready: Uint8Array[] = [];
  let pending = reader.read();
  try {
    // Up to three non-blocking reads: a string/bytes/JSON body is complete right away.
    for (let i = 0; i < 3; i++) {
      const result = await readNow(pending);
      if (result === NOT_READY) break;
      if (result.done) {
        const bytes = ready.length === 1 ? ready[0]! : Buffer.concat(ready);
        if (!head.sized) head.list.push('content-length', String(bytes.byteLength));
        writeHead(res, response, head.list);
        return void res.end(bytes);
      }
      ready.push(result.value);
      pending = reader.read();
    }
    writeHead(res, response, head.list);
  } catch (error) {
    reader.cancel(REASON).catch(noop);
    throw error;
  }

  // Headers go out now when nothing is ready (a body that sleeps before its first chunk); otherwise with the first
  // chunks.
  if (ready.length === 0) res.flushHeaders();
  else corkBurst(res);
  for (const chunk of ready) res.write(chunk);
  await pump(res, readerChunks(reader, pending));
}
