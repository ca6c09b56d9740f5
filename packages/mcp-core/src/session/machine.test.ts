import { describe, expect, it } from 'vitest';
import { SESSION_EVENTS, SESSION_STATES, SESSION_TRANSITIONS, nextSessionState } from './machine';
import type { SessionEvent, SessionState } from './machine';

const expected: Record<SessionState, Record<SessionEvent, SessionState | undefined>> = {
  initializing: { initialized: 'ready', request: 'initializing', close: 'closed', expire: 'closed' },
  ready: { initialized: 'ready', request: 'ready', close: 'closed', expire: 'closed' },
  closed: { initialized: undefined, request: undefined, close: undefined, expire: undefined },
};

describe('session machine', () => {
  for (const state of SESSION_STATES) {
    for (const event of SESSION_EVENTS) {
      const want = expected[state][event];
      it(`${state} + ${event} -> ${want ?? 'illegal'}`, () => {
        expect(nextSessionState(state, event)).toBe(want);
        expect(SESSION_TRANSITIONS[state][event]).toBe(want);
      });
    }
  }

  it('LC-04: initialized moves initializing to ready', () => {
    expect(nextSessionState('initializing', 'initialized')).toBe('ready');
  });

  it('LC-05/LC-07: requests (pings) before initialized are served without leaving initializing', () => {
    expect(nextSessionState('initializing', 'request')).toBe('initializing');
  });

  it('SES-05: a closed session accepts nothing', () => {
    for (const event of SESSION_EVENTS) expect(nextSessionState('closed', event)).toBeUndefined();
  });

  it('covers exactly the declared states and events', () => {
    expect(Object.keys(SESSION_TRANSITIONS).sort()).toEqual([...SESSION_STATES].sort());
    expect(SESSION_EVENTS).toHaveLength(4);
  });

  it('is frozen and ignores prototype keys from untyped callers', () => {
    expect(Object.isFrozen(SESSION_TRANSITIONS)).toBe(true);
    for (const s of SESSION_STATES) expect(Object.isFrozen(SESSION_TRANSITIONS[s])).toBe(true);
    expect(nextSessionState('toString' as SessionState, 'close')).toBeUndefined();
    expect(nextSessionState('ready', 'toString' as SessionEvent)).toBeUndefined();
  });
});
