/**
 * @module JSON Pointers (RFC 6901): build them from issue paths, resolve local `$ref`s with them.
 */

/** One segment of a Standard Schema issue path: a key, or an object holding the key. */
export type PathSegment = PropertyKey | { readonly key: PropertyKey };

/**
 * Escapes one reference token for a JSON Pointer: `~` becomes `~0`, then `/` becomes `~1`.
 * @param token The raw key.
 * @returns The escaped token.
 */
export function escapePointerToken(token: string): string {
  if (token.indexOf('~') === -1 && token.indexOf('/') === -1) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Undoes {@link escapePointerToken}: `~1` becomes `/`, then `~0` becomes `~`.
 * @param token The escaped token.
 * @returns The raw key.
 */
export function unescapePointerToken(token: string): string {
  if (token.indexOf('~') === -1) return token;
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** A path key as a string; a symbol gives its description. */
function keyToString(key: PropertyKey): string {
  return typeof key === 'symbol' ? (key.description ?? '') : String(key);
}

/**
 * Appends one key to a JSON Pointer.
 * @param pointer The pointer so far (`''` is the whole document).
 * @param key The property name or array index.
 * @returns `pointer + '/' + escaped key`.
 */
export function appendPointer(pointer: string, key: PropertyKey): string {
  return `${pointer}/${escapePointerToken(keyToString(key))}`;
}

/**
 * Turns a Standard Schema issue path into a JSON Pointer.
 * @param path Keys or `{ key }` segments, outermost first; empty or missing means the value itself.
 * @param prefix Pointer of the validated value inside the message (e.g. `/arguments`); default `''`.
 * @returns The pointer, e.g. `/arguments/user/name` or `/arguments/items/0`.
 *
 * @example
 * ```ts
 * toJsonPointer(['a/b', { key: 0 }], '/arguments'); // '/arguments/a~1b/0'
 * ```
 */
export function toJsonPointer(path: ReadonlyArray<PathSegment> | undefined, prefix = ''): string {
  let pointer = prefix;
  if (path === undefined) return pointer;
  for (const segment of path) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    pointer = appendPointer(pointer, key);
  }
  return pointer;
}

/**
 * Resolves a local reference (`#`, `#/$defs/Name`, `#/definitions/Name`, any `#/json/pointer`)
 * against a root document. Other forms (remote URIs, `#anchor`) are not supported.
 * @param root The document the reference lives in.
 * @param ref The `$ref` value.
 * @returns The target, or `undefined` when it cannot be resolved.
 */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(2));
  } catch {
    return undefined;
  }
  let node: unknown = root;
  for (const raw of fragment.split('/')) {
    if (typeof node !== 'object' || node === null) return undefined;
    const token = unescapePointerToken(raw);
    if (!Object.prototype.hasOwnProperty.call(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}
