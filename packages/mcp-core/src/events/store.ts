/**
 * @module The resumability event store for legacy Streamable HTTP (checklist §4.3, RSM-01..07).
 *
 * Every message the server writes on a resumable SSE stream is appended here first; the returned
 * event id becomes the SSE `id:` field. A client that reconnects with `GET` + `Last-Event-ID`
 * (RSM-03) gets the messages of that one stream that followed the id.
 *
 * Event id format: `<streamId>.<seq>`, where `seq` is the stream's sequence number in decimal,
 * starting at 1 and consecutive within the stream. Stream ids may not contain `.` (the core
 * generates hex/base64url ids, which never do), so an event id maps back to exactly one stream
 * (RSM-02). A stream created after some stream was dropped (deleted or evicted) starts just after
 * the highest sequence number ever dropped instead of at 1, so even a reused stream id never
 * reissues an event id (RSM-01: ids unique across every stream of the session).
 */

import type { MaybePromise } from '../types';

/** One buffered message. */
export interface StoredEvent {
  /** The event id issued by {@link EventStore.append}. */
  id: string;
  /** The serialized JSON-RPC message. */
  message: string;
}

/** Buffers the messages of resumable SSE streams (RSM-01..07). */
export interface EventStore {
  /** Append a message to a stream; returns its event id, which encodes the stream (RSM-02) so a Last-Event-ID maps back to exactly one stream. */
  append(streamId: string, message: string): MaybePromise<string>;
  /** The stream a previously issued event id belongs to, or undefined for a malformed/unknown id. */
  streamOf(eventId: string): MaybePromise<string | undefined>;
  /** Events of that id's stream strictly after it, in order (never another stream's events, RSM-03). Unknown stream → undefined. */
  eventsAfter(eventId: string): MaybePromise<StoredEvent[] | undefined>;
  /** Forget a stream and its events (delivered, DELETE, session end: RSM-07). */
  deleteStream(streamId: string): MaybePromise<void>;
}

/** Bounds for {@link createMemoryEventStore}. Every value must be a positive integer. */
export interface MemoryEventStoreOptions {
  /** Most events kept per stream; older ones are evicted first. Default 1000. */
  maxEventsPerStream?: number;
  /**
   * Most bytes kept per stream, counted as `message.length * 2` (UTF-16 code units times two,
   * roughly what a JS string occupies in memory; not UTF-8 bytes). Older events are evicted first,
   * but the newest event is always kept, so one oversized message is still replayable and a
   * stream holds at most `max(maxBytesPerStream, size of its newest message)`. Default 1 MiB.
   */
  maxBytesPerStream?: number;
  /** Most streams kept; past it the least recently appended stream is dropped whole. Default 10000. */
  maxStreams?: number;
}

/** An in-process {@link EventStore} with live counters. Its methods are synchronous (a valid {@link EventStore} all the same). */
export interface MemoryEventStore extends EventStore {
  /** {@link EventStore.append}, synchronously. Throws a `TypeError` for an invalid stream id (see {@link isValidStreamId}). */
  append(streamId: string, message: string): string;
  /** {@link EventStore.streamOf}, synchronously. */
  streamOf(eventId: string): string | undefined;
  /** {@link EventStore.eventsAfter}, synchronously. The array is a fresh snapshot. */
  eventsAfter(eventId: string): StoredEvent[] | undefined;
  /** {@link EventStore.deleteStream}, synchronously. Unknown or invalid ids are a no-op. */
  deleteStream(streamId: string): void;
  /** Live counts, for leak tests. */
  stats(): { streams: number; events: number; bytes: number };
}

/** The character between the stream id and the sequence number in an event id. Never valid in a stream id. */
export const EVENT_ID_SEPARATOR = '.';

/**
 * Whether `streamId` can be used with an {@link EventStore}: non-empty, visible ASCII 0x21–0x7E
 * only (event ids travel in the SSE `id:` field and the `Last-Event-ID` header), and free of
 * {@link EVENT_ID_SEPARATOR}.
 */
export function isValidStreamId(streamId: string): boolean {
  if (typeof streamId !== 'string' || streamId.length === 0) return false;
  for (let i = 0; i < streamId.length; i++) {
    const c = streamId.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2e /* '.' */) return false;
  }
  return true;
}

/** Builds the event id `<streamId>.<seq>` (RSM-02). The caller guarantees a valid stream id and a positive integer `seq`. */
export function formatEventId(streamId: string, seq: number): string {
  return `${streamId}${EVENT_ID_SEPARATOR}${seq}`;
}

const SEQ_PATTERN = /^[1-9][0-9]{0,15}$/;

/**
 * Splits an event id into its stream id and sequence number, or returns undefined when it is not
 * one this module could have issued (so a malformed `Last-Event-ID` never matches a stream).
 */
export function parseEventId(eventId: string): { streamId: string; seq: number } | undefined {
  if (typeof eventId !== 'string') return undefined;
  const at = eventId.lastIndexOf(EVENT_ID_SEPARATOR);
  if (at <= 0) return undefined;
  const streamId = eventId.slice(0, at);
  const digits = eventId.slice(at + 1);
  if (!isValidStreamId(streamId) || !SEQ_PATTERN.test(digits)) return undefined;
  const seq = Number(digits);
  return Number.isSafeInteger(seq) ? { streamId, seq } : undefined;
}

interface Entry {
  seq: number;
  id: string;
  message: string;
  bytes: number;
}

/** One stream's ring buffer: live entries are `entries[head..]`, with consecutive `seq`s; slots before `head` are cleared. */
interface Stream {
  entries: (Entry | undefined)[];
  head: number;
  bytes: number;
  /** The last sequence number issued on this stream (before the first append: where numbering starts, minus one). */
  lastSeq: number;
}

const DEFAULTS = { maxEventsPerStream: 1000, maxBytesPerStream: 1024 * 1024, maxStreams: 10_000 } as const;

/** Compact a stream's array once this many evicted slots sit in front of `head` and they are at least half the array. */
const COMPACT_THRESHOLD = 64;

function bound(name: keyof MemoryEventStoreOptions, value: number | undefined): number {
  if (value === undefined) return DEFAULTS[name];
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/**
 * An in-memory {@link EventStore}, bounded per stream (events and bytes) and in streams.
 *
 * - Append is O(1) amortized: each stream is an array with a head index, compacted occasionally.
 * - When a stream exceeds a bound, its oldest events are evicted (ring-buffer semantics); the
 *   newest are kept. A `Last-Event-ID` older than the oldest retained event therefore gets what is
 *   retained after it: the replay may have a gap, which the store cannot report.
 * - Past `maxStreams`, the least recently appended stream is dropped whole (RSM-07 "expire").
 * - Appending to a stream id after its stream was deleted or dropped starts a new stream whose
 *   sequence numbers lie above every dropped one (RSM-01). An id from the earlier incarnation
 *   then replays the whole retained new stream; an id whose sequence number the live stream has
 *   not issued is unknown (undefined).
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): MemoryEventStore {
  const maxEvents = bound('maxEventsPerStream', options.maxEventsPerStream);
  const maxBytes = bound('maxBytesPerStream', options.maxBytesPerStream);
  const maxStreams = bound('maxStreams', options.maxStreams);

  /** Insertion order is append recency: the first key is the least recently appended stream. */
  const streams = new Map<string, Stream>();
  let totalEvents = 0;
  let totalBytes = 0;
  /** The highest sequence number of any dropped stream; new streams start above it (RSM-01). */
  let droppedSeqFloor = 0;
  /** The stream the last append went to: it is already the most recent in `streams`. */
  let lastAppended: string | undefined;

  const live = (s: Stream): number => s.entries.length - s.head;

  function evictOldest(s: Stream): void {
    const entry = s.entries[s.head];
    if (entry === undefined) return;
    s.entries[s.head] = undefined; // release the message for GC
    s.head++;
    s.bytes -= entry.bytes;
    totalEvents--;
    totalBytes -= entry.bytes;
    if (s.head >= COMPACT_THRESHOLD && s.head * 2 >= s.entries.length) {
      s.entries = s.entries.slice(s.head);
      s.head = 0;
    }
  }

  function drop(streamId: string): void {
    const s = streams.get(streamId);
    if (s === undefined) return;
    streams.delete(streamId);
    if (s.lastSeq > droppedSeqFloor) droppedSeqFloor = s.lastSeq;
    totalEvents -= live(s);
    totalBytes -= s.bytes;
  }

  /** The live stream an id belongs to and where it sits, when the id is one this stream issued. */
  function locate(eventId: string): { stream: Stream; streamId: string; seq: number } | undefined {
    const parsed = parseEventId(eventId);
    if (parsed === undefined) return undefined;
    const stream = streams.get(parsed.streamId);
    // RSM-03: only the id's own stream is ever consulted; an id past the last issued one is not ours.
    if (stream === undefined || parsed.seq > stream.lastSeq) return undefined;
    return { stream, streamId: parsed.streamId, seq: parsed.seq };
  }

  return {
    append(streamId, message) {
      let s = streams.get(streamId);
      if (s === undefined) {
        // Checked once, when the stream is new: a stream that exists has a valid id.
        if (!isValidStreamId(streamId)) throw new TypeError(`Invalid stream id: ${JSON.stringify(streamId)}`);
        while (streams.size >= maxStreams) {
          const oldest = streams.keys().next();
          if (oldest.done === true) break;
          drop(oldest.value);
        }
        s = { entries: [], head: 0, bytes: 0, lastSeq: droppedSeqFloor };
        streams.set(streamId, s);
        lastAppended = streamId;
      } else if (streamId !== lastAppended) {
        // Re-inserted: the most recently appended stream goes last (eviction takes the first). A burst on one
        // stream (ten progress events) moves it once.
        streams.delete(streamId);
        streams.set(streamId, s);
        lastAppended = streamId;
      }

      const seq = ++s.lastSeq;
      const id = formatEventId(streamId, seq);
      const bytes = message.length * 2;
      s.entries.push({ seq, id, message, bytes });
      s.bytes += bytes;
      totalEvents++;
      totalBytes += bytes;
      // Keep the newest; evict the oldest until within bounds (the newest event always stays).
      while (live(s) > 1 && (live(s) > maxEvents || s.bytes > maxBytes)) evictOldest(s);
      return id;
    },

    streamOf(eventId) {
      return locate(eventId)?.streamId;
    },

    eventsAfter(eventId) {
      const found = locate(eventId);
      if (found === undefined) return undefined;
      const { stream, seq } = found;
      const first = stream.entries[stream.head];
      if (first === undefined) return [];
      // Sequence numbers are consecutive from `first.seq`, so the start index is arithmetic.
      // An id older than the oldest retained event starts at the oldest retained (a gap).
      const start = stream.head + Math.max(0, seq + 1 - first.seq);
      const out: StoredEvent[] = [];
      for (let i = start; i < stream.entries.length; i++) {
        const e = stream.entries[i];
        if (e !== undefined) out.push({ id: e.id, message: e.message });
      }
      return out;
    },

    deleteStream(streamId) {
      drop(streamId);
    },

    stats() {
      return { streams: streams.size, events: totalEvents, bytes: totalBytes };
    },
  };
}
