/**
 * @module Server-Sent Events: the wire encoder and a response body with backpressure.
 */

export { encodeSseComment, encodeSseEvent } from './encode';
export type { SseEvent } from './encode';
export { createSseStream, SSE_HEADERS } from './stream';
export type { SseCloseReason, SseStream, SseStreamOptions } from './stream';
