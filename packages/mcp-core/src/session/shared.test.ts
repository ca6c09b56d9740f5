import { describe, expect, it, vi } from 'vitest';
import { EMPTY_OBJECT, shareFrozen } from './shared';

describe('shareFrozen', () => {
  it('returns one deeply frozen copy for equal values, without freezing or keeping the argument', () => {
    const a = { sampling: { tools: {} }, roots: { listChanged: true } };
    const b = { sampling: { tools: {} }, roots: { listChanged: true } };
    const sa = shareFrozen(a);
    const sb = shareFrozen(b);
    expect(sa).toBe(sb);
    expect(sa).toEqual(a);
    expect(sa).not.toBe(a);
    expect(Object.isFrozen(sa)).toBe(true);
    expect(Object.isFrozen(sa.sampling)).toBe(true);
    expect(Object.isFrozen(sa.sampling.tools)).toBe(true);
    expect(Object.isFrozen(a)).toBe(false);
    expect(Object.isFrozen(a.sampling)).toBe(false);
    // Later changes to the argument do not reach the shared copy.
    a.roots.listChanged = false;
    expect(sa.roots.listChanged).toBe(true);
    expect(() => {
      'use strict';
      (sa as { roots: { listChanged: boolean } }).roots.listChanged = false;
    }).toThrow(TypeError);
  });

  it('different values get different copies', () => {
    const x = shareFrozen({ name: 'client-a', version: '1' });
    const y = shareFrozen({ name: 'client-b', version: '1' });
    expect(x).not.toBe(y);
    expect(x).toEqual({ name: 'client-a', version: '1' });
    expect(y).toEqual({ name: 'client-b', version: '1' });
  });

  it('maps every empty object to EMPTY_OBJECT', () => {
    expect(shareFrozen({})).toBe(EMPTY_OBJECT);
    expect(shareFrozen(EMPTY_OBJECT)).toBe(EMPTY_OBJECT);
    expect(Object.isFrozen(EMPTY_OBJECT)).toBe(true);
  });

  it('answers a repeat of the last value with the same copy, and never confuses values whose JSON differs', () => {
    const info = () => ({ name: 'repeat-client', version: '2', extra: { tags: ['a', 'b'], n: 1 } });
    const first = shareFrozen(info());
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      expect(shareFrozen(info())).toBe(first);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
    // Same members in another order: another JSON text, another copy.
    const reordered = shareFrozen({ version: '2', name: 'repeat-client', extra: { tags: ['a', 'b'], n: 1 } });
    expect(reordered).not.toBe(first);
    expect(Object.keys(reordered)).toEqual(['version', 'name', 'extra']);
    // Values JSON writes differently from how they look: each gets what JSON.stringify makes of it.
    shareFrozen(first);
    expect(shareFrozen({ name: 'repeat-client', version: '2', extra: { tags: ['a', 'b'], n: Number.NaN } })).toEqual({
      name: 'repeat-client',
      version: '2',
      extra: { tags: ['a', 'b'], n: null },
    });
    const when = new Date(0);
    expect(shareFrozen({ at: when })).toEqual({ at: when.toJSON() });
    expect(shareFrozen({ at: new Date(1) })).toEqual({ at: new Date(1).toJSON() });
    expect(shareFrozen({ a: undefined, b: 1 })).toEqual({ b: 1 });
  });

  it('keeps objects whose JSON is not {} off the empty-object shortcut', () => {
    // Only a plain object with no enumerable key takes the shortcut; a class instance, an array and an object
    // with a toJSON are stringified like any other value.
    class Empty {}
    expect(shareFrozen(new Empty())).toBe(EMPTY_OBJECT);
    expect(shareFrozen([])).toEqual([]);
    expect(shareFrozen([])).not.toBe(EMPTY_OBJECT);
    const custom = Object.create({ toJSON: () => ({ a: 1 }) }) as object;
    expect(shareFrozen(custom)).toEqual({ a: 1 });
  });

  it('passes primitives, undefined and values JSON cannot represent through', () => {
    expect(shareFrozen(undefined)).toBeUndefined();
    expect(shareFrozen(null)).toBeNull();
    expect(shareFrozen('x')).toBe('x');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(shareFrozen(cyclic)).toBe(cyclic);
    const big = { n: 1n };
    expect(shareFrozen(big)).toBe(big);
  });

  it('freezes large values too, but copies them per call instead of keeping them', () => {
    const large = { blob: 'x'.repeat(5000) };
    const one = shareFrozen(large);
    const two = shareFrozen(large);
    expect(one).toEqual(large);
    expect(Object.isFrozen(one)).toBe(true);
    expect(one).not.toBe(two);
  });

  it('stays correct when more distinct values arrive than it keeps', () => {
    const first = shareFrozen({ name: 'first', version: '1' });
    for (let i = 0; i < 600; i++) expect(shareFrozen({ name: `c${i}`, version: '1' })).toEqual({ name: `c${i}`, version: '1' });
    expect(first).toEqual({ name: 'first', version: '1' });
    const again = shareFrozen({ name: 'first', version: '1' });
    expect(again).toEqual(first);
    expect(Object.isFrozen(again)).toBe(true);
  });
});
