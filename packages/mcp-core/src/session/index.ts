/**
 * @module Legacy Streamable HTTP sessions (checklist §4.1): lifecycle table, ids, record store.
 */

export { SESSION_EVENTS, SESSION_STATES, SESSION_TRANSITIONS, nextSessionState } from './machine';
export type { SessionEvent, SessionState } from './machine';
export { MAX_SESSION_ID_LENGTH, createSessionId, isValidSessionId } from './id';
export { createMemorySessionStore } from './store';
export type { SessionRecord, SessionStore } from './store';
