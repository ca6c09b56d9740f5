import { describe, expect, it } from 'vitest';
import { isMcpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { createMemoryTaskStore, createTaskId } from './memory-store';
import type { MemoryTaskStoreOptions } from './memory-store';
import { TaskStoreFullError, createTaskRecord } from './store';
import type { NewTaskRecord, TaskRecord } from './store';

function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    set(ms: number) {
      t = ms;
    },
  };
}

function setup(options: Omit<MemoryTaskStoreOptions, 'now'> = {}) {
  const c = clock();
  const store = createMemoryTaskStore({ ...options, now: c.now });
  const make = (owner = 'alice', over: Partial<NewTaskRecord> = {}): NewTaskRecord => ({
    ...createTaskRecord({ owner, ttlMs: 60_000, now: c.now() }),
    ...over,
  });
  return { c, store, make };
}

function expectMcp(fn: () => unknown, code: number, message?: RegExp) {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isMcpError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: number }).code).toBe(code);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('memory task store: basics', () => {
  it('create stores version 1 and expiresAt = createdAt + ttlMs; get returns it', () => {
    const { c, store, make } = setup();
    const input = make('alice', { pollIntervalMs: 500, meta: { method: 'tools/call', wire: '2026' } });
    const created = store.create(input);
    expect(created).toEqual({ ...input, version: 1, expiresAt: c.now() + 60_000 });
    expect(store.get(input.taskId, 'alice')).toEqual(created);
    expect(store.stats()).toEqual({ tasks: 1 });
  });

  it('create overrides a caller-supplied version / expiresAt', () => {
    const { c, store, make } = setup();
    const input = { ...make(), version: 99, expiresAt: 5 } as TaskRecord;
    const created = store.create(input);
    expect(created.version).toBe(1);
    expect(created.expiresAt).toBe(c.now() + 60_000);
  });

  it('rejects a duplicate live id and malformed records', () => {
    const { store, make } = setup();
    const r = make();
    store.create(r);
    expect(() => store.create({ ...r, owner: 'bob' })).toThrow(/already exists/);
    expect(() => store.create(make('alice', { taskId: '' }))).toThrow(TypeError);
    expect(() => store.create(make('alice', { status: 'done' as never }))).toThrow(TypeError);
    expect(() => store.create(make('alice', { ttlMs: -1 }))).toThrow(RangeError);
    expect(() => store.create(make('alice', { ttlMs: Number.POSITIVE_INFINITY }))).toThrow(RangeError);
    expect(() => store.create(make('alice', { ttlMs: 1.5 }))).toThrow(RangeError);
    expect(() => store.create(make('alice', { pollIntervalMs: -5 }))).toThrow(RangeError);
    expect(() => store.create(make('alice', { createdAt: Number.NaN }))).toThrow(RangeError);
    expect(store.stats().tasks).toBe(1);
  });

  it('delete removes whatever the owner; unknown ids are a no-op', () => {
    const { store, make } = setup();
    const r = store.create(make('alice'));
    expect(store.delete('nope')).toBe(false);
    expect(store.delete(r.taskId)).toBe(true);
    expect(store.get(r.taskId, 'alice')).toBeUndefined();
    expect(store.delete(r.taskId)).toBe(false);
    expect(store.list('alice', undefined, 10).tasks).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => createMemoryTaskStore({ maxTasks: 0 })).toThrow(RangeError);
    expect(() => createMemoryTaskStore({ maxTasks: 1.5 })).toThrow(RangeError);
    expect(() => createMemoryTaskStore({ maxTasksPerOwner: 0 })).toThrow(RangeError);
  });
});

describe('memory task store: compare-and-set update', () => {
  it('applies a patch on the expected version, bumps version and stamps lastUpdatedAt', () => {
    const { c, store, make } = setup();
    const r = store.create(make());
    c.advance(250);
    const u = store.update(r.taskId, 'alice', 1, { statusMessage: 'halfway', pollIntervalMs: 1000 });
    expect(u).toMatchObject({ version: 2, statusMessage: 'halfway', pollIntervalMs: 1000, lastUpdatedAt: r.createdAt + 250 });
    expect(store.get(r.taskId, 'alice')).toEqual(u);
  });

  it('two updates with the same expected version: exactly one wins', () => {
    const { store, make } = setup();
    const r = store.create(make());
    const a = store.update(r.taskId, 'alice', r.version, { statusMessage: 'a' });
    const b = store.update(r.taskId, 'alice', r.version, { statusMessage: 'b' });
    expect(a?.statusMessage).toBe('a');
    expect(b).toBeUndefined();
    expect(store.get(r.taskId, 'alice')).toMatchObject({ version: 2, statusMessage: 'a' });
  });

  it('returns undefined for unknown, foreign and expired tasks', () => {
    const { c, store, make } = setup();
    const r = store.create(make());
    expect(store.update('nope', 'alice', 1, { statusMessage: 'x' })).toBeUndefined();
    expect(store.update(r.taskId, 'bob', 1, { statusMessage: 'x' })).toBeUndefined();
    c.advance(60_000);
    expect(store.update(r.taskId, 'alice', 1, { statusMessage: 'x' })).toBeUndefined();
  });

  it('undefined removes an optional field but leaves required ones alone', () => {
    const { store, make } = setup();
    const r = store.create(make('alice', { statusMessage: 'hi', meta: { a: 1 } }));
    const u = store.update(r.taskId, 'alice', 1, { statusMessage: undefined, status: undefined, ttlMs: undefined });
    expect(u).toBeDefined();
    expect(Object.hasOwn(u!, 'statusMessage')).toBe(false);
    expect(u).toMatchObject({ status: 'working', ttlMs: 60_000, meta: { a: 1 } });
  });

  it('refuses store-owned fields and bad values', () => {
    const { store, make } = setup();
    const r = store.create(make());
    for (const key of ['taskId', 'owner', 'createdAt', 'version', 'lastUpdatedAt', 'expiresAt']) {
      expect(() => store.update(r.taskId, 'alice', 1, { [key]: 1 } as never)).toThrow(TypeError);
    }
    expect(() => store.update(r.taskId, 'alice', 1, { status: 'done' as never })).toThrow(TypeError);
    expect(() => store.update(r.taskId, 'alice', 1, { ttlMs: -1 })).toThrow(RangeError);
    expect(store.get(r.taskId, 'alice')?.version).toBe(1);
  });

  it('a ttlMs change moves expiresAt', () => {
    const { c, store, make } = setup();
    const r = store.create(make());
    const u = store.update(r.taskId, 'alice', 1, { ttlMs: 1_000 });
    expect(u?.expiresAt).toBe(r.createdAt + 1_000);
    c.advance(1_000);
    expect(store.get(r.taskId, 'alice')).toBeUndefined();
  });

  it('§8 backstop: refuses a status change the table forbids, e.g. out of a terminal status (ERR-07)', () => {
    const { store, make } = setup();
    const r = store.create(make());
    expect(store.update(r.taskId, 'alice', 1, { status: 'completed', result: { content: [] } })?.status).toBe('completed');
    expectMcp(() => store.update(r.taskId, 'alice', 2, { status: 'working' }), ErrorCode.InvalidParams, /completed to working/);
    expectMcp(() => store.update(r.taskId, 'alice', 2, { status: 'cancelled' }), ErrorCode.InvalidParams);
    // The same status is not a move: bookkeeping on a terminal task is storage's business.
    expect(store.update(r.taskId, 'alice', 2, { meta: { delivered: true } })?.version).toBe(3);
    expect(store.get(r.taskId, 'alice')?.status).toBe('completed');
  });
});

describe('memory task store: expiry (TK1-04, TKX-10)', () => {
  it('a task is visible until expiresAt and gone from then on', () => {
    const { c, store, make } = setup();
    const r = store.create(make('alice', { ttlMs: 1_000 }));
    c.advance(999);
    expect(store.get(r.taskId, 'alice')).toBeDefined();
    c.advance(1);
    expect(store.get(r.taskId, 'alice')).toBeUndefined();
    expect(store.list('alice', undefined, 10).tasks).toEqual([]);
    expect(store.stats().tasks).toBe(0);
  });

  it('expired tasks are invisible before any sweep and removed lazily or by sweep()', () => {
    const { c, store, make } = setup();
    const short = store.create(make('alice', { ttlMs: 100 }));
    store.create(make('alice', { ttlMs: 100 }));
    const long = store.create(make('alice', { ttlMs: 10_000 }));
    c.advance(100);
    expect(store.get(short.taskId, 'alice')).toBeUndefined();
    expect(store.list('alice', undefined, 10).tasks.map((t) => t.taskId)).toEqual([long.taskId]);
    expect(store.sweep()).toBe(0); // the list already removed both
    store.create(make('bob', { ttlMs: 50 }));
    expect(store.sweep(c.now() + 49)).toBe(0);
    expect(store.sweep(c.now() + 50)).toBe(1);
    expect(store.sweep(c.now() + 10_000)).toBe(1);
    expect(store.stats().tasks).toBe(0);
  });

  it('ttlMs 0 means the task is gone at once; an expired id may be reused', () => {
    const { store, make } = setup();
    const r = store.create(make('alice', { ttlMs: 0 }));
    expect(store.get(r.taskId, 'alice')).toBeUndefined();
    expect(store.create({ ...make('alice'), taskId: r.taskId }).version).toBe(1);
  });

  it('deleting an expired task reports false', () => {
    const { c, store, make } = setup();
    const r = store.create(make('alice', { ttlMs: 10 }));
    c.advance(10);
    expect(store.delete(r.taskId)).toBe(false);
  });
});

describe('memory task store: owner isolation (TK1-10, SEC-03)', () => {
  it('another principal sees nothing: get, update, list', () => {
    const { store, make } = setup();
    const a = store.create(make('alice'));
    const b = store.create(make('bob'));
    expect(store.get(a.taskId, 'bob')).toBeUndefined();
    expect(store.get(b.taskId, 'alice')).toBeUndefined();
    expect(store.get(a.taskId, '')).toBeUndefined();
    expect(store.update(a.taskId, 'bob', 1, { status: 'cancelled' })).toBeUndefined();
    expect(store.get(a.taskId, 'alice')?.status).toBe('working');
    expect(store.list('alice', undefined, 10).tasks.map((t) => t.taskId)).toEqual([a.taskId]);
    expect(store.list('bob', undefined, 10).tasks.map((t) => t.taskId)).toEqual([b.taskId]);
    expect(store.list('carol', undefined, 10)).toEqual({ tasks: [] });
  });

  it('owners are compared exactly', () => {
    const { store, make } = setup();
    const a = store.create(make('Alice'));
    expect(store.get(a.taskId, 'alice')).toBeUndefined();
    expect(store.get(a.taskId, 'Alice ')).toBeUndefined();
    expect(store.get(a.taskId, 'Alice')).toBeDefined();
  });
});

describe('memory task store: pagination (TK1-05, PAG-01)', () => {
  function fill(n: number, owner = 'alice') {
    const ctx = setup();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(ctx.store.create(ctx.make(owner)).taskId);
      ctx.c.advance(1);
    }
    return { ...ctx, ids };
  }

  function all(store: ReturnType<typeof setup>['store'], owner: string, limit: number) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = store.list(owner, cursor, limit);
      pages.push(page.tasks.map((t) => t.taskId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return pages;
  }

  it('pages in creation order; nextCursor only when more follow', () => {
    const { store, ids } = fill(7);
    const pages = all(store, 'alice', 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(ids);
    const exact = fill(6);
    expect(all(exact.store, 'alice', 3).map((p) => p.length)).toEqual([3, 3]);
    expect(exact.store.list('alice', undefined, 6).nextCursor).toBeUndefined();
    expect(exact.store.list('alice', undefined, 100).tasks).toHaveLength(6);
  });

  it('order is creation order even when createdAt ties', () => {
    const { store, make } = setup();
    const ids = Array.from({ length: 5 }, () => store.create(make()).taskId);
    expect(all(store, 'alice', 2).flat()).toEqual(ids);
  });

  it('a cursor stays stable across inserts and deletes: nothing skipped or repeated', () => {
    const { c, store, make, ids } = fill(6);
    const first = store.list('alice', undefined, 2);
    expect(first.tasks.map((t) => t.taskId)).toEqual(ids.slice(0, 2));
    // Concurrent activity: new tasks, a deletion of the last-returned task and of an upcoming one.
    const added = [store.create(make()).taskId, store.create(make()).taskId];
    store.create(make('bob'));
    store.delete(ids[1]!);
    store.delete(ids[3]!);
    c.advance(1);
    const second = store.list('alice', first.nextCursor, 2);
    expect(second.tasks.map((t) => t.taskId)).toEqual([ids[2], ids[4]]);
    // The same cursor can be replayed and gives the same page.
    expect(store.list('alice', first.nextCursor, 2).tasks.map((t) => t.taskId)).toEqual([ids[2], ids[4]]);
    const rest = store.list('alice', second.nextCursor, 10);
    expect(rest.tasks.map((t) => t.taskId)).toEqual([ids[5], ...added]);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('expired tasks are left out of pages', () => {
    const { c, store, make } = setup();
    const keep = store.create(make('alice', { ttlMs: 10_000 })).taskId;
    store.create(make('alice', { ttlMs: 10 }));
    const keep2 = store.create(make('alice', { ttlMs: 10_000 })).taskId;
    c.advance(10);
    expect(all(store, 'alice', 1).flat()).toEqual([keep, keep2]);
  });

  it('is owner-scoped: pages hold only the caller’s tasks', () => {
    const { store, make } = setup();
    const alice: string[] = [];
    for (let i = 0; i < 5; i++) {
      alice.push(store.create(make('alice')).taskId);
      store.create(make('bob'));
    }
    expect(all(store, 'alice', 2).flat()).toEqual(alice);
    expect(all(store, 'bob', 2).flat()).toHaveLength(5);
    expect(all(store, 'bob', 2).flat().some((id) => alice.includes(id))).toBe(false);
  });

  it('cursors are opaque and reveal no task id', () => {
    const { store, ids } = fill(3);
    const cursor = store.list('alice', undefined, 1).nextCursor!;
    for (const id of ids) expect(cursor).not.toContain(id);
  });

  it('an invalid cursor is -32602 (ERR-07, PAG-01)', () => {
    const { store, ids } = fill(3);
    const good = store.list('alice', undefined, 1).nextCursor!;
    const other = createMemoryTaskStore();
    other.create(createTaskRecord({ owner: 'alice', ttlMs: 1000 }));
    other.create(createTaskRecord({ owner: 'alice', ttlMs: 1000 }));
    const foreign = other.list('alice', undefined, 1).nextCursor!;
    const bad = [
      '',
      'garbage',
      good + 'x',
      good.replace(/\.\d+$/, '.0'),
      good.replace(/\.\d+$/, '.999'),
      good.replace(/\.\d+$/, '.01'),
      foreign,
      ids[0]!,
      'x'.repeat(10_000),
    ];
    for (const cursor of bad) expectMcp(() => store.list('alice', cursor, 2), ErrorCode.InvalidParams, /cursor/);
    expectMcp(() => store.list('alice', 42 as never, 2), ErrorCode.InvalidParams);
    expect(store.list('alice', good, 2).tasks).toHaveLength(2);
  });

  it('limit must be a positive integer', () => {
    const { store } = fill(1);
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => store.list('alice', undefined, limit)).toThrow(RangeError);
  });
});

describe('memory task store: bound', () => {
  it('refuses past maxTasks with TaskStoreFullError by default (TTL promise kept)', () => {
    const { store, make } = setup({ maxTasks: 3 });
    const first = store.create(make());
    store.create(make());
    store.update(first.taskId, 'alice', 1, { status: 'completed', result: {} });
    store.create(make('bob'));
    let err: unknown;
    try {
      store.create(make('carol'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TaskStoreFullError);
    expect(err).toMatchObject({ name: 'TaskStoreFullError', limit: 3, scope: 'store' });
    // Nothing was evicted: the completed task is still there.
    expect(store.get(first.taskId, 'alice')?.status).toBe('completed');
    expect(store.stats().tasks).toBe(3);
  });

  it('sweeps expired tasks before refusing', () => {
    const { c, store, make } = setup({ maxTasks: 2 });
    store.create(make('alice', { ttlMs: 10 }));
    const live = store.create(make('alice', { ttlMs: 10_000 }));
    c.advance(10);
    const fresh = store.create(make('bob'));
    expect(store.stats().tasks).toBe(2);
    expect(store.get(live.taskId, 'alice')).toBeDefined();
    expect(store.get(fresh.taskId, 'bob')).toBeDefined();
  });

  it('evictTerminal: evicts the earliest-finished terminal task, never a running one', () => {
    const { c, store, make } = setup({ maxTasks: 3, evictTerminal: true });
    const a = store.create(make());
    const b = store.create(make());
    const w = store.create(make());
    // b finishes before a.
    c.advance(1);
    store.update(b.taskId, 'alice', 1, { status: 'failed', error: { code: -32603, message: 'boom' } });
    c.advance(1);
    store.update(a.taskId, 'alice', 1, { status: 'cancelled' });
    const d = store.create(make('bob'));
    expect(store.get(b.taskId, 'alice')).toBeUndefined();
    expect(store.get(a.taskId, 'alice')).toBeDefined();
    const e = store.create(make('bob'));
    expect(store.get(a.taskId, 'alice')).toBeUndefined();
    // Only working tasks left: refuse.
    expect(() => store.create(make('bob'))).toThrow(TaskStoreFullError);
    for (const [id, owner] of [
      [w.taskId, 'alice'],
      [d.taskId, 'bob'],
      [e.taskId, 'bob'],
    ] as const) {
      expect(store.get(id, owner)?.status).toBe('working');
    }
  });

  it('maxTasksPerOwner bounds one owner without touching others', () => {
    const { store, make } = setup({ maxTasks: 100, maxTasksPerOwner: 2 });
    store.create(make('alice'));
    store.create(make('alice'));
    expect(() => store.create(make('alice'))).toThrow(expect.objectContaining({ scope: 'owner', limit: 2 }) as Error);
    store.create(make('bob'));
    store.create(make('bob'));
    expect(store.stats().tasks).toBe(4);
  });

  it('maxTasksPerOwner with evictTerminal evicts only that owner’s terminal tasks', () => {
    const { store, make } = setup({ maxTasks: 100, maxTasksPerOwner: 2, evictTerminal: true });
    const bobDone = store.create(make('bob'));
    store.update(bobDone.taskId, 'bob', 1, { status: 'completed' });
    const a1 = store.create(make('alice'));
    store.create(make('alice'));
    expect(() => store.create(make('alice'))).toThrow(TaskStoreFullError);
    store.update(a1.taskId, 'alice', 1, { status: 'completed' });
    store.create(make('alice'));
    expect(store.get(a1.taskId, 'alice')).toBeUndefined();
    expect(store.get(bobDone.taskId, 'bob')?.status).toBe('completed');
  });

  it('frees room when tasks are deleted', () => {
    const { store, make } = setup({ maxTasks: 1 });
    const r = store.create(make());
    expect(() => store.create(make())).toThrow(TaskStoreFullError);
    store.delete(r.taskId);
    expect(store.create(make()).version).toBe(1);
  });
});

describe('memory task store: copies (structuredClone in and out)', () => {
  it('mutating the input, a returned record or a page does not change stored state', () => {
    const { store, make } = setup();
    const input = make('alice', { meta: { tags: ['a'] } });
    const created = store.create(input);
    (input.meta!.tags as string[]).push('in');
    input.status = 'completed';
    (created.meta!.tags as string[]).push('out');
    created.version = 42;
    const got = store.get(input.taskId, 'alice')!;
    got.status = 'failed';
    store.list('alice', undefined, 1).tasks[0]!.owner = 'mallory';
    expect(store.get(input.taskId, 'alice')).toMatchObject({ status: 'working', version: 1, meta: { tags: ['a'] } });
  });

  it('mutating a patch after update does not change stored state', () => {
    const { store, make } = setup();
    const r = store.create(make());
    const patch = { inputRequests: { q1: { method: 'elicitation/create', params: { message: 'name?' } } } };
    const u = store.update(r.taskId, 'alice', 1, { status: 'input_required', ...patch })!;
    (patch.inputRequests.q1.params as { message: string }).message = 'changed';
    (u.inputRequests!.q1 as { method: string }).method = 'changed';
    expect(store.get(r.taskId, 'alice')?.inputRequests).toEqual({
      q1: { method: 'elicitation/create', params: { message: 'name?' } },
    });
  });

  it('values structuredClone rejects fail the call and store nothing', () => {
    const { store, make } = setup();
    expect(() => store.create(make('alice', { meta: { fn: () => 1 } }))).toThrow();
    expect(store.stats().tasks).toBe(0);
    const r = store.create(make());
    expect(() => store.update(r.taskId, 'alice', 1, { result: { fn: () => 1 } })).toThrow();
    expect(store.get(r.taskId, 'alice')?.version).toBe(1);
  });

  it('stores are independent', () => {
    const a = createMemoryTaskStore();
    const b = createMemoryTaskStore();
    const r = a.create(createTaskRecord({ owner: 'x', ttlMs: 1000 }));
    expect(b.get(r.taskId, 'x')).toBeUndefined();
  });
});

describe('createTaskId via the memory store module', () => {
  it('is re-exported and unguessable', () => {
    expect(createTaskId()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(createTaskRecord({ owner: 'o', ttlMs: 1 }).taskId).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
