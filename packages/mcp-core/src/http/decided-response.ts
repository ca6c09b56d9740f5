/**
 * @module What both POST exchanges share: the HTTP response, decided once, read without a promise when it was
 * decided at once (a handler that answered synchronously), else through one made on first use.
 */

/** The response of one exchange, decided once. */
export abstract class DecidedResponse {
  #response: Promise<Response> | undefined;
  #resolve: ((r: Response) => void) | undefined;
  #settled: Response | undefined;

  /** Resolves with the HTTP response once its shape is decided (made on first use). */
  get response(): Promise<Response> {
    return (this.#response ??= this.#settled !== undefined ? Promise.resolve(this.#settled) : new Promise((resolve) => (this.#resolve = resolve)));
  }

  /** The response once its shape is decided, else undefined: what a caller returns without a promise when it can. */
  get settled(): Response | undefined {
    return this.#settled;
  }

  /**
   * Decides the response (once: the exchanges call it from their single decision points).
   * @param response The HTTP response.
   */
  protected decide(response: Response): void {
    this.#settled = response;
    this.#resolve?.(response);
  }
}
