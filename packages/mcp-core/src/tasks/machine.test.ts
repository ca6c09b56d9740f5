import { describe, expect, it } from 'vitest';
import {
  TASK_EVENTS,
  TASK_STATUSES,
  TASK_TRANSITIONS,
  TERMINAL_TASK_STATUSES,
  isAllowedTaskStatusChange,
  isTaskStatus,
  isTerminal,
  nextTaskState,
} from './machine';
import type { TaskEvent, TaskStatus } from './machine';

// §8, written out independently of the table under test.
const expected: Record<TaskStatus, Record<TaskEvent, TaskStatus | undefined>> = {
  working: { needInput: 'input_required', resume: undefined, complete: 'completed', fail: 'failed', cancel: 'cancelled' },
  input_required: { needInput: undefined, resume: 'working', complete: 'completed', fail: 'failed', cancel: 'cancelled' },
  completed: { needInput: undefined, resume: undefined, complete: undefined, fail: undefined, cancel: undefined },
  failed: { needInput: undefined, resume: undefined, complete: undefined, fail: undefined, cancel: undefined },
  cancelled: { needInput: undefined, resume: undefined, complete: undefined, fail: undefined, cancel: undefined },
};

describe('task machine (§8)', () => {
  for (const status of TASK_STATUSES) {
    for (const event of TASK_EVENTS) {
      const want = expected[status][event];
      it(`${status} + ${event} -> ${want ?? 'forbidden'}`, () => {
        expect(nextTaskState(status, event)).toBe(want);
        expect(TASK_TRANSITIONS[status][event]).toBe(want);
      });
    }
  }

  it('allows exactly the §8 status moves (full status × status grid)', () => {
    const allowed = new Set([
      'working>input_required',
      'working>completed',
      'working>failed',
      'working>cancelled',
      'input_required>working',
      'input_required>completed',
      'input_required>failed',
      'input_required>cancelled',
    ]);
    for (const from of TASK_STATUSES) {
      for (const to of TASK_STATUSES) {
        expect(isAllowedTaskStatusChange(from, to), `${from} -> ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
  });

  it('§8: staying put is not a move (working → working, input_required → input_required)', () => {
    expect(nextTaskState('working', 'resume')).toBeUndefined();
    expect(nextTaskState('input_required', 'needInput')).toBeUndefined();
  });

  it('terminal statuses never change (§8, TK1-07)', () => {
    expect([...TERMINAL_TASK_STATUSES].sort()).toEqual(['cancelled', 'completed', 'failed']);
    for (const status of TASK_STATUSES) {
      expect(isTerminal(status)).toBe(TERMINAL_TASK_STATUSES.includes(status));
      if (isTerminal(status)) for (const event of TASK_EVENTS) expect(nextTaskState(status, event)).toBeUndefined();
    }
  });

  it('covers exactly the declared statuses and events', () => {
    expect(Object.keys(TASK_TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
    expect(TASK_STATUSES).toHaveLength(5);
    expect(TASK_EVENTS).toHaveLength(5);
    for (const s of TASK_STATUSES) {
      for (const target of Object.values(TASK_TRANSITIONS[s])) expect(TASK_STATUSES).toContain(target);
    }
  });

  it('is frozen and ignores prototype keys from untyped callers', () => {
    expect(Object.isFrozen(TASK_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(TASK_STATUSES)).toBe(true);
    expect(Object.isFrozen(TASK_EVENTS)).toBe(true);
    for (const s of TASK_STATUSES) expect(Object.isFrozen(TASK_TRANSITIONS[s])).toBe(true);
    expect(nextTaskState('toString' as TaskStatus, 'cancel')).toBeUndefined();
    expect(nextTaskState('working', 'toString' as TaskEvent)).toBeUndefined();
    expect(nextTaskState('working', 'constructor' as TaskEvent)).toBeUndefined();
    expect(isAllowedTaskStatusChange('toString' as TaskStatus, 'working')).toBe(false);
    expect(isTerminal('toString' as TaskStatus)).toBe(false);
  });

  it('isTaskStatus recognises exactly the five statuses', () => {
    for (const s of TASK_STATUSES) expect(isTaskStatus(s)).toBe(true);
    for (const v of ['', 'Working', 'done', 'toString', 1, null, undefined, {}]) expect(isTaskStatus(v)).toBe(false);
  });
});
