/**
 * @module The legacy Streamable HTTP session lifecycle (checklist §4.1, §5) as a pure transition table.
 *
 * A session record is created when the server answers `initialize` (SES-01, LC-02), so the first
 * state is `initializing`: the handshake response went out and `notifications/initialized` (LC-04)
 * has not arrived yet. Nothing here has side effects; the core owns timers and the store.
 */

/** Where a legacy session is in its lifecycle. `closed` is terminal. */
export type SessionState = 'initializing' | 'ready' | 'closed';

/**
 * What can happen to a session:
 * - `initialized`: the client sent `notifications/initialized` (LC-04);
 * - `request`: any other in-session message was served;
 * - `close`: DELETE (SES-07) or a server-side end of the session (SES-05);
 * - `expire`: the core's idle timer fired (SES-05).
 */
export type SessionEvent = 'initialized' | 'request' | 'close' | 'expire';

/** Every session state, in lifecycle order. */
export const SESSION_STATES: readonly SessionState[] = Object.freeze(['initializing', 'ready', 'closed'] as const);

/** Every session event. */
export const SESSION_EVENTS: readonly SessionEvent[] = Object.freeze(['initialized', 'request', 'close', 'expire'] as const);

/** The transition table: `SESSION_TRANSITIONS[state][event]` is the next state; a missing entry means the event is illegal there. */
export const SESSION_TRANSITIONS: { readonly [S in SessionState]: { readonly [E in SessionEvent]?: SessionState } } = Object.freeze({
  initializing: Object.freeze({
    // LC-04: the client confirms the handshake.
    initialized: 'ready',
    // LC-05 / LC-07: pings (and tolerated early requests) are served before `initialized`.
    request: 'initializing',
    // SES-07 (DELETE) or SES-05 (server ends it).
    close: 'closed',
    // SES-05: idle expiry.
    expire: 'closed',
  }),
  ready: Object.freeze({
    // A duplicate `notifications/initialized` is harmless.
    initialized: 'ready',
    request: 'ready',
    close: 'closed',
    expire: 'closed',
  }),
  // SES-05: a closed session is gone; every later use answers 404, so no event applies.
  closed: Object.freeze({}),
});

/** The next state, or undefined when the event is not allowed in that state. Pure. */
export function nextSessionState(state: SessionState, event: SessionEvent): SessionState | undefined {
  // Own-property checks keep untyped callers (e.g. `'toString'`) from reaching Object.prototype.
  if (!Object.hasOwn(SESSION_TRANSITIONS, state)) return undefined;
  const row = SESSION_TRANSITIONS[state];
  return Object.hasOwn(row, event) ? row[event] : undefined;
}
