import { describe, expect, it } from 'vitest';
import { McpError, isMcpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { TASK_EVENTS, TASK_STATUSES, nextTaskState } from './machine';
import type { TaskEvent, TaskStatus } from './machine';
import { createMemoryTaskStore } from './memory-store';
import { DEFAULT_TASK_UPDATE_ATTEMPTS, createTaskRecord, patchTask, taskNotFound, transitionTask } from './store';
import type { TaskRecord, TaskStore } from './store';

/** A path of events from `working` to each status. */
const PATH_TO: Record<TaskStatus, TaskEvent[]> = {
  working: [],
  input_required: ['needInput'],
  completed: ['complete'],
  failed: ['fail'],
  cancelled: ['cancel'],
};

async function taskIn(status: TaskStatus, store: TaskStore = createMemoryTaskStore(), owner = 'alice') {
  const r = await store.create(createTaskRecord({ owner, ttlMs: 60_000 }));
  for (const event of PATH_TO[status]) await transitionTask(store, r.taskId, owner, event);
  return { store, taskId: r.taskId };
}

async function rejection(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    expect(isMcpError(e), String(e)).toBe(true);
    return e as McpError;
  }
  throw new Error('expected a rejection');
}

/** Wraps a store so every call yields to the event loop first: concurrent callers interleave for real. */
function yielding(store: TaskStore): TaskStore {
  const tick = () => new Promise<void>((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
  return {
    create: async (r) => (await tick(), store.create(r)),
    get: async (id, owner) => (await tick(), store.get(id, owner)),
    update: async (id, owner, v, p) => (await tick(), store.update(id, owner, v, p)),
    list: async (owner, c, l) => (await tick(), store.list(owner, c, l)),
    delete: async (id) => (await tick(), store.delete(id)),
  };
}

describe('transitionTask: the full status × event grid (§8)', () => {
  for (const status of TASK_STATUSES) {
    for (const event of TASK_EVENTS) {
      const to = nextTaskState(status, event);
      it(`${status} + ${event} -> ${to ?? '-32602'}`, async () => {
        const { store, taskId } = await taskIn(status);
        const before = (await store.get(taskId, 'alice'))!;
        if (to === undefined) {
          const err = await rejection(transitionTask(store, taskId, 'alice', event));
          expect(err.code).toBe(ErrorCode.InvalidParams);
          expect(err.message).toContain(event);
          expect(err.message).toContain(status);
          expect(err.data).toEqual({ taskId, status, event });
          expect(await store.get(taskId, 'alice')).toEqual(before);
        } else {
          const after = await transitionTask(store, taskId, 'alice', event);
          expect(after.status).toBe(to);
          expect(after.version).toBe(before.version + 1);
          expect(await store.get(taskId, 'alice')).toEqual(after);
        }
      });
    }
  }
});

describe('transitionTask: errors (ERR-07, TK1-07, TKX-08)', () => {
  for (const status of ['completed', 'failed', 'cancelled'] as const) {
    it(`cancelling a ${status} task is -32602 and the task keeps its outcome`, async () => {
      const { store, taskId } = await taskIn(status);
      const err = await rejection(transitionTask(store, taskId, 'alice', 'cancel'));
      expect(err.code).toBe(ErrorCode.InvalidParams);
      expect(err.message).toBe(`Cannot cancel a task that is already ${status}`);
      expect((await store.get(taskId, 'alice'))?.status).toBe(status);
    });
  }

  it('unknown, foreign and expired tasks are the same -32602 "not found"', async () => {
    let t = 0;
    const store = createMemoryTaskStore({ now: () => t });
    const r = await store.create(createTaskRecord({ owner: 'alice', ttlMs: 100, now: 0 }));
    const unknown = await rejection(transitionTask(store, 'no-such-task', 'alice', 'cancel'));
    const foreign = await rejection(transitionTask(store, r.taskId, 'bob', 'cancel'));
    t = 100;
    const expired = await rejection(transitionTask(store, r.taskId, 'alice', 'cancel'));
    for (const err of [unknown, foreign, expired]) {
      expect(err.code).toBe(ErrorCode.InvalidParams);
      expect(err.message).toBe('Unknown or expired task');
    }
    expect(foreign.data).toEqual({ taskId: r.taskId });
    expect(taskNotFound('x')).toMatchObject({ code: -32602, message: 'Unknown or expired task', data: { taskId: 'x' } });
  });

  it('another principal cannot cancel or patch; the owner still can', async () => {
    const { store, taskId } = await taskIn('working');
    expect((await rejection(transitionTask(store, taskId, 'bob', 'cancel'))).code).toBe(-32602);
    expect((await rejection(patchTask(store, taskId, 'bob', { statusMessage: 'pwned' }))).code).toBe(-32602);
    const t = (await store.get(taskId, 'alice'))!;
    expect(t.status).toBe('working');
    expect(t.statusMessage).toBeUndefined();
    expect((await transitionTask(store, taskId, 'alice', 'cancel')).status).toBe('cancelled');
  });

  it('a patch may not carry status; maxAttempts is validated', async () => {
    const { store, taskId } = await taskIn('working');
    await expect(transitionTask(store, taskId, 'alice', 'complete', { status: 'failed' } as never)).rejects.toThrow(TypeError);
    await expect(patchTask(store, taskId, 'alice', { status: 'failed' } as never)).rejects.toThrow(TypeError);
    await expect(transitionTask(store, taskId, 'alice', 'complete', undefined, { maxAttempts: 0 })).rejects.toThrow(RangeError);
    expect((await store.get(taskId, 'alice'))?.status).toBe('working');
  });
});

describe('transitionTask: data travelling with the transition', () => {
  it('sets result / error / inputRequests with the status, and drops inputRequests when input_required ends (TKX-04)', async () => {
    const { store, taskId } = await taskIn('working');
    const asked = await transitionTask(store, taskId, 'alice', 'needInput', {
      statusMessage: 'need a name',
      inputRequests: { q1: { method: 'elicitation/create', params: { message: 'name?' } } },
    });
    expect(asked).toMatchObject({ status: 'input_required', inputRequests: { q1: { method: 'elicitation/create' } } });
    const resumed = await transitionTask(store, taskId, 'alice', 'resume', { statusMessage: undefined });
    expect(resumed.status).toBe('working');
    expect(Object.hasOwn(resumed, 'inputRequests')).toBe(false);
    expect(Object.hasOwn(resumed, 'statusMessage')).toBe(false);
    const done = await transitionTask(store, taskId, 'alice', 'complete', { result: { content: [{ type: 'text', text: 'hi' }] } });
    expect(done).toMatchObject({ status: 'completed', result: { content: [{ type: 'text', text: 'hi' }] } });
  });

  it('a failed task carries the JSON-RPC error (TKX-07)', async () => {
    const { store, taskId } = await taskIn('input_required');
    const failed = await transitionTask(store, taskId, 'alice', 'fail', { error: { code: -32603, message: 'boom' } });
    expect(failed).toMatchObject({ status: 'failed', error: { code: -32603, message: 'boom' } });
    expect(Object.hasOwn(failed, 'inputRequests')).toBe(false);
  });

  it('a function patch sees the record it is checked against', async () => {
    const { store, taskId } = await taskIn('working');
    const seen: TaskRecord[] = [];
    await transitionTask(store, taskId, 'alice', 'complete', (cur) => {
      seen.push(cur);
      return { result: { fromVersion: cur.version } };
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.status).toBe('working');
    expect((await store.get(taskId, 'alice'))?.result).toEqual({ fromVersion: seen[0]!.version });
  });
});

describe('patchTask', () => {
  it('changes fields without a transition and bumps the version', async () => {
    const { store, taskId } = await taskIn('working');
    const u = await patchTask(store, taskId, 'alice', { statusMessage: '50%', pollIntervalMs: 2000 });
    expect(u).toMatchObject({ status: 'working', statusMessage: '50%', pollIntervalMs: 2000, version: 2 });
  });

  it('refuses terminal tasks unless allowTerminal (TK1-07: a cancelled task stays cancelled)', async () => {
    const { store, taskId } = await taskIn('cancelled');
    const err = await rejection(patchTask(store, taskId, 'alice', { result: { late: true } }));
    expect(err.code).toBe(-32602);
    expect(err.message).toBe('Task is already cancelled');
    const u = await patchTask(store, taskId, 'alice', { meta: { delivered: true } }, { allowTerminal: true });
    expect(u).toMatchObject({ status: 'cancelled', meta: { delivered: true } });
    expect(u.result).toBeUndefined();
  });
});

describe('concurrency: compare-and-set (no double win, no lost update)', () => {
  it('two CAS updates with the same expected version: exactly one wins (async interleaving)', async () => {
    for (let round = 0; round < 20; round++) {
      const store = yielding(createMemoryTaskStore());
      const { taskId } = await taskIn('working', store);
      const v = (await store.get(taskId, 'alice'))!.version;
      const results = await Promise.all([
        store.update(taskId, 'alice', v, { status: 'completed', result: 'a' }),
        store.update(taskId, 'alice', v, { status: 'cancelled' }),
      ]);
      const winners = results.filter((r) => r !== undefined);
      expect(winners).toHaveLength(1);
      expect(await store.get(taskId, 'alice')).toEqual(winners[0]);
    }
  });

  it('N concurrent terminal transitions: exactly one applies, the rest get -32602', async () => {
    for (const wrap of [(s: TaskStore) => s, yielding]) {
      const store = wrap(createMemoryTaskStore());
      const { taskId } = await taskIn('working', store);
      const events: TaskEvent[] = ['complete', 'fail', 'cancel', 'complete', 'cancel', 'fail', 'cancel', 'complete'];
      const settled = await Promise.allSettled(
        events.map((event, i) => transitionTask(store, taskId, 'alice', event, { result: i, statusMessage: `by ${i}` })),
      );
      const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ i, record: s.value }] : []));
      expect(won).toHaveLength(1);
      const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      for (const l of lost) {
        expect(isMcpError(l.reason)).toBe(true);
        expect((l.reason as McpError).code).toBe(-32602);
        expect((l.reason as McpError).message).toMatch(/already (completed|failed|cancelled)$/);
      }
      const final = (await store.get(taskId, 'alice'))!;
      const { i, record } = won[0]!;
      expect(final).toEqual(record);
      expect(final.status).toBe(nextTaskState('working', events[i]!));
      expect(final.statusMessage).toBe(`by ${i}`);
      expect(final.version).toBe(2);
    }
  });

  it('N concurrent read-modify-write patches: every one applied exactly once', async () => {
    for (const wrap of [(s: TaskStore) => s, yielding]) {
      let lostRaces = 0;
      const base = wrap(createMemoryTaskStore());
      const store: TaskStore = {
        ...base,
        update: async (id, owner, v, p) => {
          const r = await base.update(id, owner, v, p);
          if (r === undefined) lostRaces++;
          return r;
        },
      };
      const { taskId } = await taskIn('working', store);
      const n = 12;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          patchTask(
            store,
            taskId,
            'alice',
            (cur) => {
              const meta = cur.meta ?? {};
              return { meta: { ...meta, count: ((meta.count as number | undefined) ?? 0) + 1, [`w${i}`]: true } };
            },
            { maxAttempts: n + 1 },
          ),
        ),
      );
      const final = (await store.get(taskId, 'alice'))!;
      expect(final.meta?.count).toBe(n);
      for (let i = 0; i < n; i++) expect(final.meta?.[`w${i}`]).toBe(true);
      expect(final.version).toBe(1 + n);
      // The writers really did collide and retry.
      expect(lostRaces).toBeGreaterThan(0);
    }
  });

  it('alternating needInput/resume rounds under contention: each applied transition is counted once', async () => {
    const store = yielding(createMemoryTaskStore());
    const { taskId } = await taskIn('working', store);
    const attempts = 30;
    const settled = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) =>
        transitionTask(store, taskId, 'alice', i % 2 === 0 ? 'needInput' : 'resume', (cur) => ({
          meta: { applied: (((cur.meta ?? {}).applied as number | undefined) ?? 0) + 1 },
        })),
      ),
    );
    const applied = settled.filter((s) => s.status === 'fulfilled').length;
    for (const s of settled) if (s.status === 'rejected') expect((s.reason as McpError).code).toBe(-32602);
    const final = (await store.get(taskId, 'alice'))!;
    expect(applied).toBeGreaterThan(0);
    // Every successful transition bumped the version once and saw the previous one's counter.
    expect(final.meta?.applied).toBe(applied);
    expect(final.version).toBe(1 + applied);
    expect(final.status).toBe(applied % 2 === 1 ? 'input_required' : 'working');
  });

  it('a lost race is re-validated: resume loses to a concurrent completion and then fails with -32602', async () => {
    const inner = createMemoryTaskStore();
    const { taskId } = await taskIn('input_required', inner);
    let interfered = false;
    const racing: TaskStore = {
      ...inner,
      get: (id, owner) => inner.get(id, owner),
      update: async (id, owner, v, p) => {
        if (!interfered) {
          interfered = true;
          // Another writer completes the task between our read and our CAS.
          await transitionTask(inner, taskId, 'alice', 'complete', { result: 'other' });
        }
        return inner.update(id, owner, v, p);
      },
    };
    const err = await rejection(transitionTask(racing, taskId, 'alice', 'resume'));
    expect(err.code).toBe(-32602);
    expect(err.message).toBe('Cannot resume a task that is already completed');
    expect(inner.get(taskId, 'alice')).toMatchObject({ status: 'completed', result: 'other', version: 3 });
  });

  it('gives up after maxAttempts lost races with -32603', async () => {
    const inner = createMemoryTaskStore();
    const { taskId } = await taskIn('working', inner);
    let updates = 0;
    const alwaysLoses: TaskStore = {
      ...inner,
      get: (id, owner) => inner.get(id, owner),
      update: () => {
        updates++;
        return undefined;
      },
    };
    const err = await rejection(transitionTask(alwaysLoses, taskId, 'alice', 'cancel'));
    expect(err.code).toBe(ErrorCode.InternalError);
    expect(updates).toBe(DEFAULT_TASK_UPDATE_ATTEMPTS);
    updates = 0;
    await rejection(patchTask(alwaysLoses, taskId, 'alice', { statusMessage: 'x' }, { maxAttempts: 3 }));
    expect(updates).toBe(3);
    expect(inner.get(taskId, 'alice')?.status).toBe('working');
  });
});
