/**
 * @module Lazy stand-ins for the Web classes Response, Request and Headers: members forwarded to the native object,
 * `instanceof` kept, and the native class not read before it is needed. Used by the core's lazy Response and by
 * @x/mcp-node-http's lazy Request and Headers (exported for adapters).
 */

type Members = Record<PropertyKey, unknown>;

/**
 * Runs `use` with the global `name`: now when it is a plain value, else at its first read, when the runtime defines
 * it as a lazy accessor. Node 20 does so for `Response`, `Request` and `Headers`: the first read loads its whole fetch
 * implementation (about 25 ms), which a server that never builds one of those objects need not pay at start-up.
 * `use` may run more than once; it must be idempotent.
 * @param name The global's name.
 * @param use Receives the global's value.
 */
export function whenGlobal(name: string, use: (value: unknown) => void): void {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  const load = descriptor?.get;
  if (load === undefined || descriptor!.configurable !== true) return use((globalThis as unknown as Members)[name]);
  const wrapped = {
    configurable: true,
    enumerable: descriptor!.enumerable,
    get(this: unknown) {
      const value = load.call(this);
      // Node's own getter has replaced the property with the value it loaded; a runtime whose getter stays (Deno)
      // gets its own accessor back. Either way this runs once.
      if (Object.getOwnPropertyDescriptor(globalThis, name)?.get === wrapped.get) Object.defineProperty(globalThis, name, descriptor!);
      use(value);
      return value;
    },
    set: descriptor!.set,
  };
  Object.defineProperty(globalThis, name, wrapped);
}

/**
 * Lets a lazy stand-in behave as a native Web object: every member of the native class's prototype that `proto`
 * does not define itself becomes a forwarder to the native object `target(self)` returns (which the stand-in builds
 * on first use), and the native prototype joins `proto`'s prototype chain, so `instanceof` holds.
 *
 * The native class is not read up front (see {@link whenGlobal}): until the global is first read, a placeholder
 * stands in the prototype chain, and the first lookup of a member the stand-in lacks links the native class then.
 * Reading the global (`instanceof` does) links it too. Until then the stand-in also has an own `then` that is
 * undefined: promises look `then` up on every object they resolve with (three times per request), no Web class has
 * it, and that lookup must neither link nor go through the placeholder, which is slow. It is removed on linking.
 * @param proto The stand-in class's prototype.
 * @param name The native class's global name.
 * @param target The native object behind a stand-in.
 */
export function delegateRest<T extends object>(proto: T, name: string, target: (self: T) => object): void {
  const own = proto as unknown as Members;
  let linked = false;
  const ownThen = Object.hasOwn(own, 'then');
  const link = (ctor: unknown): void => {
    if (linked) return;
    linked = true;
    if (!ownThen) delete own.then;
    const native = (ctor as { prototype: object }).prototype;
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
                return (target(this) as Record<PropertyKey, (...a: unknown[]) => unknown>)[key]!(...args);
              },
            }
          : {
              configurable: true,
              get(this: T) {
                return (target(this) as unknown as Members)[key];
              },
            },
      );
    }
    Object.setPrototypeOf(own, native);
  };
  const linkNow = (): void => link((globalThis as unknown as Members)[name]);
  if (!ownThen) Object.defineProperty(own, 'then', { configurable: true, writable: true, value: undefined });
  Object.setPrototypeOf(
    own,
    new Proxy(Object.create(null) as object, {
      get(_placeholder, key, receiver) {
        linkNow();
        return Reflect.get(own, key, receiver);
      },
      has(_placeholder, key) {
        linkNow();
        return key in own;
      },
    }),
  );
  whenGlobal(name, link);
}
