import { afterEach, describe, expect, it } from 'vitest';
import { delegateRest, whenGlobal } from './native-delegate';

/** A native class stand-in, defined the way Node 20 defines Response: a getter that loads it and then replaces itself. */
class Native {
  constructor(readonly value: string) {}
  shout(): string {
    return `${this.value}!`;
  }
  get size(): number {
    return this.value.length;
  }
}

const NAME = 'XMcpTestNative';
const g = globalThis as Record<string, unknown>;
let loads = 0;

function defineLazyGlobal(): void {
  Object.defineProperty(globalThis, NAME, {
    configurable: true,
    enumerable: false,
    get() {
      loads++;
      Object.defineProperty(globalThis, NAME, { configurable: true, writable: true, enumerable: false, value: Native });
      return Native;
    },
    set(value) {
      Object.defineProperty(globalThis, NAME, { configurable: true, writable: true, enumerable: false, value });
    },
  });
}

/** A lazy stand-in: `value` is its own, the rest comes from the Native it builds on first use. */
function standIn() {
  class Lazy {
    built: Native | undefined;
    constructor(readonly value: string) {}
    native(): Native {
      return (this.built ??= new Native(this.value));
    }
  }
  delegateRest(Lazy.prototype, NAME, (self: Lazy) => self.native());
  return Lazy;
}

afterEach(() => {
  delete g[NAME];
  loads = 0;
});

describe('delegateRest over a lazy global', () => {
  it('does not read the global up front, and a promise resolving with a stand-in does not either', async () => {
    defineLazyGlobal();
    const Lazy = standIn();
    const x = await Promise.resolve(new Lazy('a'));
    expect(x.value).toBe('a');
    expect(loads).toBe(0);
    expect(x.built).toBeUndefined();
    // Answered by the stand-in itself, not the placeholder: nothing is linked.
    expect((x as unknown as { then?: unknown }).then).toBeUndefined();
    expect(loads).toBe(0);
  });

  it('the first member the stand-in lacks loads the global and forwards to the native object', () => {
    defineLazyGlobal();
    const Lazy = standIn();
    const x = new Lazy('abc') as InstanceType<ReturnType<typeof standIn>> & Native;
    expect(x.shout()).toBe('abc!');
    expect(x.size).toBe(3);
    expect(loads).toBe(1);
    expect(x).toBeInstanceOf(Native);
    expect('shout' in new Lazy('b')).toBe(true);
    // Once linked, the stand-in has no `then` of its own, as the native class has none.
    expect('then' in x).toBe(false);
  });

  it('reading the global links the stand-in, so instanceof holds', () => {
    defineLazyGlobal();
    const Lazy = standIn();
    const x = new Lazy('a');
    expect(x instanceof (g[NAME] as typeof Native)).toBe(true);
    expect(loads).toBe(1);
    expect((x as unknown as Native).shout()).toBe('a!');
  });

  it('links at once when the global is a plain value', () => {
    g[NAME] = Native;
    const Lazy = standIn();
    expect(new Lazy('z')).toBeInstanceOf(Native);
    expect(Object.getPrototypeOf(Lazy.prototype)).toBe(Native.prototype);
  });
});

describe('whenGlobal', () => {
  it('runs once the lazy global is first read, with its value, and leaves a plain value behind', () => {
    defineLazyGlobal();
    const seen: unknown[] = [];
    whenGlobal(NAME, (v) => seen.push(v));
    expect(seen).toEqual([]);
    expect(g[NAME]).toBe(Native);
    expect(g[NAME]).toBe(Native);
    expect(seen).toEqual([Native]);
    expect(Object.getOwnPropertyDescriptor(globalThis, NAME)?.value).toBe(Native);
  });

  it('gives a getter that stays an accessor (Deno) its own descriptor back after the first read', () => {
    let reads = 0;
    const own = { configurable: true, enumerable: false, get: () => (reads++, Native) };
    Object.defineProperty(globalThis, NAME, own);
    const seen: unknown[] = [];
    whenGlobal(NAME, (v) => seen.push(v));
    expect(g[NAME]).toBe(Native);
    expect(Object.getOwnPropertyDescriptor(globalThis, NAME)?.get).toBe(own.get);
    expect(g[NAME]).toBe(Native);
    expect(seen).toEqual([Native]);
    expect(reads).toBe(2);
  });

  it('runs at once for a plain value', () => {
    g[NAME] = Native;
    const seen: unknown[] = [];
    whenGlobal(NAME, (v) => seen.push(v));
    expect(seen).toEqual([Native]);
  });
});
