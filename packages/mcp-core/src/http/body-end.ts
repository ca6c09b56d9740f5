/**
 * @module A pull-through view of a response body for adapters that must know when the body has been sent in full
 * (to stop treating an abort as a disconnect, to restore an idle timer).
 */

/**
 * `body` as a new stream: `first` (if given) and then the same chunks, read one per pull with nothing buffered
 * (`highWaterMark` 0, so the consumer's backpressure reaches `body`), and `onEnd` called once the body has been
 * read to its end; not when it errors or is cancelled. Cancelling the view cancels `body` with the same reason.
 * Lighter than `pipeThrough` with a `TransformStream`: no pipe loop and no second queue.
 * @param body The body to pass through.
 * @param onEnd Called once, after the last chunk, when the body ends normally.
 * @param first A chunk to send before the body's own (Bun: an SSE comment, so the head is not held back).
 * @returns The view, to serve in place of `body`.
 * @example
 * return new Response(throughBody(response.body, () => (settled = true)), response);
 */
export function throughBody(body: ReadableStream<Uint8Array>, onEnd: () => void, first?: Uint8Array): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first !== undefined) controller.enqueue(first);
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          onEnd();
        } else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
