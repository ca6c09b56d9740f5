/**
 * Bounded waits for the core's unit tests: nothing here can hang a test run.
 */

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * `p`, or a rejection naming `what` when it takes longer than `ms`.
 * @param p The promise.
 * @param ms The bound.
 * @param what What is awaited, for the message.
 * @returns What `p` resolves to.
 */
export function within<T>(p: Promise<T>, ms = 2000, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}
