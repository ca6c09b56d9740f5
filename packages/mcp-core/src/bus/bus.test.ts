import { describe, expect, it, vi } from 'vitest';
import { MCP_EVENT_TYPES, createMemoryBus, toMcpEvent } from './index';
import type { McpEvent } from './index';

describe('createMemoryBus', () => {
  it('fans out synchronously to every listener, in subscription order (SUB-07)', () => {
    const bus = createMemoryBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(`a:${e.type}`));
    bus.subscribe((e) => seen.push(`b:${e.type}`));
    const returned = bus.publish({ type: 'tools/list_changed' });
    expect(returned).toBeUndefined();
    expect(seen).toEqual(['a:tools/list_changed', 'b:tools/list_changed']);
  });

  it('passes a frozen copy holding only the known fields', () => {
    const bus = createMemoryBus();
    const got: McpEvent[] = [];
    bus.subscribe((e) => got.push(e));
    const input = { type: 'resources/updated', uri: 'file:///a', extra: 1 } as unknown as McpEvent;
    bus.publish(input);
    expect(got).toEqual([{ type: 'resources/updated', uri: 'file:///a' }]);
    expect(Object.isFrozen(got[0])).toBe(true);
  });

  it('unsubscribes, idempotently, and the same function subscribed twice is two entries', () => {
    const bus = createMemoryBus();
    const listener = vi.fn();
    const stop1 = bus.subscribe(listener);
    const stop2 = bus.subscribe(listener);
    bus.publish({ type: 'prompts/list_changed' });
    expect(listener).toHaveBeenCalledTimes(2);
    stop1();
    stop1();
    bus.publish({ type: 'prompts/list_changed' });
    expect(listener).toHaveBeenCalledTimes(3);
    stop2();
    bus.publish({ type: 'prompts/list_changed' });
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('applies subscribe/unsubscribe made during a publish from the next publish', () => {
    const bus = createMemoryBus();
    const late = vi.fn();
    const second = vi.fn();
    let stopSecond = (): void => {};
    bus.subscribe(() => {
      bus.subscribe(late);
      stopSecond();
    });
    stopSecond = bus.subscribe(second);
    bus.publish({ type: 'tools/list_changed' });
    expect(late).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    bus.publish({ type: 'tools/list_changed' });
    expect(late).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('isolates a throwing listener: the others still run, the error goes to onError', () => {
    const onError = vi.fn();
    const bus = createMemoryBus({ onError });
    const boom = new Error('boom');
    const after = vi.fn();
    bus.subscribe(() => {
      throw boom;
    });
    bus.subscribe(after);
    expect(() => bus.publish({ type: 'resources/list_changed' })).not.toThrow();
    expect(after).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(boom);
  });

  it('sends a rejecting async listener to onError', async () => {
    const onError = vi.fn();
    const bus = createMemoryBus({ onError });
    const boom = new Error('async boom');
    bus.subscribe(async () => {
      throw boom;
    });
    bus.publish({ type: 'tools/list_changed' });
    await Promise.resolve();
    await Promise.resolve();
    expect(onError).toHaveBeenCalledWith(boom);
  });

  it('defaults onError to console.error, and survives a throwing onError', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const boom = new Error('x');
      const bus = createMemoryBus();
      bus.subscribe(() => {
        throw boom;
      });
      bus.publish({ type: 'tools/list_changed' });
      expect(spy).toHaveBeenCalledWith(boom);

      const after = vi.fn();
      const bus2 = createMemoryBus({
        onError: () => {
          throw new Error('reporter');
        },
      });
      bus2.subscribe(() => {
        throw boom;
      });
      bus2.subscribe(after);
      bus2.publish({ type: 'tools/list_changed' });
      expect(after).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('validates events in publish, before any listener runs', () => {
    const bus = createMemoryBus();
    const listener = vi.fn();
    bus.subscribe(listener);
    const bad: unknown[] = [
      null,
      undefined,
      'tools/list_changed',
      {},
      { type: 'tools/changed' },
      { type: 'toString' },
      { type: 'resources/updated' },
      { type: 'resources/updated', uri: 42 },
      { type: 'resources/updated', uri: '' },
    ];
    for (const event of bad) expect(() => bus.publish(event as McpEvent)).toThrow(TypeError);
    expect(listener).not.toHaveBeenCalled();
  });

  it('rejects a listener that is not a function', () => {
    const bus = createMemoryBus();
    expect(() => bus.subscribe('nope' as unknown as () => void)).toThrow(TypeError);
  });
});

const taskEvent = (task: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'tasks/status',
  taskId: 't1',
  owner: 'subject:alice',
  task: { taskId: 't1', status: 'working', createdAt: '2026-01-01T00:00:00.000Z', ttlMs: 1000, ...task },
  ...extra,
});

describe('toMcpEvent', () => {
  it('accepts every event type', () => {
    expect(MCP_EVENT_TYPES).toEqual(['tools/list_changed', 'prompts/list_changed', 'resources/list_changed', 'resources/updated', 'tasks/status']);
    for (const type of MCP_EVENT_TYPES) {
      const event = type === 'resources/updated' ? { type, uri: 'test://x' } : type === 'tasks/status' ? taskEvent() : { type };
      expect(toMcpEvent(event)).toEqual(event);
    }
  });

  it('copies a tasks/status event: known fields only, its task a deep-frozen JSON copy (TKX-09)', () => {
    const result = { content: [{ type: 'text', text: 'done' }], resultType: 'complete' };
    const input = taskEvent({ status: 'completed', result, skipped: undefined }, { extra: 1 });
    const event = toMcpEvent(input);
    expect(event).toEqual({ type: 'tasks/status', taskId: 't1', owner: 'subject:alice', task: { ...input.task, skipped: undefined } });
    expect(Object.keys(event)).toEqual(['type', 'taskId', 'owner', 'task']);
    if (event.type !== 'tasks/status') throw new Error('narrowing');
    expect(Object.hasOwn(event.task, 'skipped')).toBe(false); // JSON: undefined fields are gone
    expect(event.task).not.toBe(input.task);
    expect(event.task.result).not.toBe(result);
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.task)).toBe(true);
    expect(Object.isFrozen((event.task.result as { content: object[] }).content[0])).toBe(true);
    // The publisher changing its object afterwards changes nothing the listeners hold.
    result.content[0]!.text = 'changed';
    expect((event.task.result as { content: { text: string }[] }).content[0]!.text).toBe('done');
  });

  it('rejects a malformed tasks/status event', () => {
    const cyclic: Record<string, unknown> = { taskId: 't1', status: 'working' };
    cyclic.self = cyclic;
    const bad: unknown[] = [
      taskEvent({}, { taskId: undefined }),
      taskEvent({}, { taskId: '' }),
      taskEvent({}, { taskId: 7 }),
      taskEvent({}, { owner: undefined }),
      taskEvent({}, { owner: '' }),
      taskEvent({}, { task: undefined }),
      taskEvent({}, { task: [] }),
      taskEvent({}, { task: 'working' }),
      taskEvent({ taskId: 't2' }), // not the event's task
      taskEvent({ taskId: undefined }),
      taskEvent({ status: 'done' }), // not a task status
      taskEvent({ status: undefined }),
      taskEvent({ big: 1n }), // not JSON
      taskEvent({}, { task: cyclic }),
    ];
    for (const event of bad) expect(() => toMcpEvent(event), JSON.stringify(event, (_k, v) => (typeof v === 'bigint' ? 'bigint' : v === cyclic ? 'cyclic' : v))).toThrow(TypeError);
  });

  it('carries a tasks/status event through the memory bus, validated before any listener', () => {
    const bus = createMemoryBus();
    const got: McpEvent[] = [];
    bus.subscribe((e) => got.push(e));
    expect(() => bus.publish(taskEvent({ status: 'nope' }) as unknown as McpEvent)).toThrow(TypeError);
    expect(got).toEqual([]);
    bus.publish(taskEvent({ status: 'input_required', inputRequests: { k: { method: 'roots/list' } } }) as unknown as McpEvent);
    expect(got).toEqual([taskEvent({ status: 'input_required', inputRequests: { k: { method: 'roots/list' } } })]);
  });
});
