/**
 * Reading SSE response bodies in the core's unit tests, one event at a time.
 */
import { expect } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** One parsed event. */
export interface SseEvent {
  id?: string;
  event?: string;
  retry?: number;
  data: string;
}

/** Parses one frame; undefined for a comment-only frame. */
export function parseFrame(frame: string): SseEvent | undefined {
  const e: SseEvent = { data: '' };
  const data: string[] = [];
  let hasField = false;
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    hasField = true;
    if (line.startsWith('id: ')) e.id = line.slice(4);
    else if (line.startsWith('event: ')) e.event = line.slice(7);
    else if (line.startsWith('retry: ')) e.retry = Number(line.slice(7));
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line === 'data:') data.push('');
  }
  if (!hasField) return undefined;
  e.data = data.join('\n');
  return e;
}

/** Reads SSE events one at a time from a body. */
export function sse(body: ReadableStream<Uint8Array> | null) {
  const reader = body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let ended = false;
  const next = async (): Promise<SseEvent | undefined> => {
    for (;;) {
      const at = buf.indexOf('\n\n');
      if (at !== -1) {
        const frame = buf.slice(0, at + 2);
        buf = buf.slice(at + 2);
        const e = parseFrame(frame);
        if (e !== undefined) return e;
        continue;
      }
      if (ended) return undefined;
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        continue;
      }
      buf += decoder.decode(value, { stream: true });
    }
  };
  return {
    next,
    /** The next event, which must exist. */
    async event(): Promise<SseEvent> {
      const e = await next();
      expect(e, 'stream ended early').toBeDefined();
      return e!;
    },
    /** The next event's JSON message. */
    async message(): Promise<Json> {
      const e = await next();
      expect(e, 'stream ended early').toBeDefined();
      expect(e!.data).not.toBe('');
      return JSON.parse(e!.data);
    },
    /** Every remaining event until the stream ends. */
    async rest(): Promise<SseEvent[]> {
      const out: SseEvent[] = [];
      for (let e = await next(); e !== undefined; e = await next()) out.push(e);
      return out;
    },
    cancel: () => reader.cancel(),
  };
}
