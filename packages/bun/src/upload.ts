/**
 * What is left of an upload after the handler has answered.
 *
 * Bun closes the connection when a response goes out while the request body is still arriving; the kernel then
 * resets it, and a client still writing sees EPIPE or ECONNRESET instead of the answer (a 413, a 401). So before
 * the response is handed to Bun, the adapter reads and discards the rest of the body, within bounds, as the
 * node-http adapter does after its response and as Deno does on its own.
 */

/** At most this many bytes of an unread upload are discarded before answering. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
/** At most this long is spent discarding an unread upload; then the answer goes out anyway. */
export const DRAIN_MAX_MS = 500;

/**
 * Reads and discards what `reader` still yields, until its end, `maxBytes`, or `maxMs`; cancels it when a bound
 * stops the reading. Never rejects: a client that goes away simply ends the drain.
 * @param reader A reader of the request body.
 * @param maxBytes Byte bound.
 * @param maxMs Time bound.
 * @returns Whether the body was read to its end.
 */
export async function drainUpload(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes = DRAIN_MAX_BYTES, maxMs = DRAIN_MAX_MS): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), maxMs);
  });
  let seen = 0;
  try {
    for (;;) {
      const step = await Promise.race([reader.read(), late]);
      if (step === undefined) break;
      if (step.done) return true;
      if ((seen += step.value.byteLength) > maxBytes) break;
    }
    reader.cancel().catch(() => {});
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A request whose body the handler may stop reading (a cancel, as the core's body limit does) while the upload
 * goes on: the handler gets a copy of the request over a stream that only forwards, and {@link HeldUpload.rest}
 * drains the original afterwards.
 */
export interface HeldUpload {
  /** The request to hand to the handler. */
  readonly request: Request;
  /** Discards what the handler left unread (nothing when it read the body to its end). */
  rest(): Promise<unknown>;
}

/**
 * Holds a streamed body (no Content-Length), so that a handler that stops reading part way does not stop the
 * upload. Undefined when the request has no body.
 * @param request Bun's request.
 * @returns The held upload, or undefined.
 */
export function holdUpload(request: Request): HeldUpload | undefined {
  const body = request.body;
  if (body === null) return undefined;
  const source = body.getReader();
  let ended = false;
  const forward = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const step = await source.read();
        if (step.done) {
          ended = true;
          controller.close();
        } else controller.enqueue(step.value);
      },
      // The handler is done with the body, not the client with its upload: the source stays for rest().
      cancel() {},
    },
    { highWaterMark: 0 },
  );
  return {
    request: new Request(request, { body: forward, duplex: 'half' } as RequestInit),
    rest: () => (ended ? Promise.resolve(true) : drainUpload(source)),
  };
}
