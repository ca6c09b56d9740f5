/**
 * @module Resumability (checklist §4.3): the event store behind SSE ids and `Last-Event-ID` replay.
 */

export { EVENT_ID_SEPARATOR, createMemoryEventStore, formatEventId, isValidStreamId, parseEventId } from './store';
export type { EventStore, MemoryEventStore, MemoryEventStoreOptions, StoredEvent } from './store';
