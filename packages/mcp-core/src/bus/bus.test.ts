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

describe('toMcpEvent', () => {
  it('accepts every event type', () => {
    expect(MCP_EVENT_TYPES).toEqual(['tools/list_changed', 'prompts/list_changed', 'resources/list_changed', 'resources/updated']);
    for (const type of MCP_EVENT_TYPES) {
      const event = type === 'resources/updated' ? { type, uri: 'test://x' } : { type };
      expect(toMcpEvent(event)).toEqual(event);
    }
  });
});
