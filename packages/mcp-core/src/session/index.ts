/**
 * @module Legacy Streamable HTTP sessions (checklist §4.1): lifecycle table, ids, record store.
 */

export { SESSION_EVENTS, SESSION_STATES, SESSION_TRANSITIONS, nextSessionState } from './machine';
export type { SessionEvent, SessionState } from './machine';
export { MAX_SESSION_ID_LENGTH, createSessionId, isValidSessionId } from './id';
export { createMemorySessionStore, memoryStoreLink } from './store';
export type { LiveRecord, SessionRecord, SessionStore } from './store';
export { EMPTY_OBJECT, shareFrozen } from './shared';
