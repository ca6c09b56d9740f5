/**
 * @module The one promise test the core uses: handlers, schemas and stores may answer with a value or a promise of
 * it, and the core goes on without a promise when they answer at once.
 */

/**
 * Whether a value is a promise or any other thenable.
 * @param x Anything.
 * @returns True when `x` has a `then` method.
 */
export const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
