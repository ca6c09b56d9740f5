type Members = Record<PropertyKey, (...args: unknown[]) => unknown>;

/**
 * Lets a lazy stand-in behave as a native Web object: every member of `native` that `proto` does not define
 * itself becomes a forwarder to the native object `target(self)` returns (which the stand-in builds on first use),
 * and `native` joins `proto`'s prototype chain, so `instanceof` holds without touching any global.
 * @param proto The stand-in class's prototype.
 * @param native The native class's prototype (`Request.prototype`, `Headers.prototype`).
 * @param target The native object behind a stand-in.
 */
export function delegateRest<T extends object>(proto: T, native: object, target: (self: T) => object): void {
  const own = proto as unknown as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(native)) {
    if (key === 'constructor' || Object.hasOwn(own, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(native, key)!;
    Object.defineProperty(
      own,
      key,
      typeof descriptor.value === 'function'
        ? {
            configurable: true,
            writable: true,
            value: function (this: T, ...args: unknown[]) {
              return (target(this) as Members)[key]!(...args);
            },
          }
        : {
            configurable: true,
            get(this: T) {
              return (target(this) as unknown as Record<PropertyKey, unknown>)[key];
            },
          },
    );
  }
  Object.setPrototypeOf(own, native);
}
