/**
 * @module Shared, deeply frozen copies of the JSON values every session keeps from its `initialize` (client
 * capabilities, client info). Sessions of the same client software send the same values, so thousands of idle
 * sessions point at one copy instead of holding one each (W4, memory per idle session).
 */

/** Distinct values kept; when full the table starts over (sessions keep the copies they already hold). */
const MAX_ENTRIES = 256;
/** Values whose JSON text is longer than this are copied and frozen for their session alone, never kept here. */
const MAX_KEY_LENGTH = 2048;

const table = new Map<string, unknown>();
/** The copy returned last: a client that reconnects again and again sends the same values each time. */
let last: unknown;

/** Equal JSON values with keys in the same order (so that their JSON texts are equal), for small values only. */
function sameJson(a: unknown, b: unknown, budget: { left: number }): boolean {
  if (--budget.left < 0) return false;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], budget)) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A plain object with no enumerable keys, own or inherited: its JSON text is `{}`. */
function isEmptyPlainObject(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}

/** The frozen empty object that every session without capabilities shares. */
export const EMPTY_OBJECT: Readonly<Record<string, never>> = Object.freeze({});

/**
 * A deeply frozen copy of a JSON value, shared with every other caller that passed an equal value (same JSON text).
 * The argument itself is never frozen or kept (it may belong to the caller, e.g. an adapter's parsed body).
 *
 * @param value A JSON value (as parsed from a request). A value JSON cannot represent is returned as it is.
 * @returns The shared copy.
 */
export function shareFrozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if ((value as object) === EMPTY_OBJECT) return value;
  // The usual `capabilities: {}`: no stringify for it (a plain object with no own keys is `{}` in JSON too).
  if (isEmptyPlainObject(value)) return EMPTY_OBJECT as T;
  // The same value as last time (the usual case: one client software reconnecting): no JSON text, no table lookup.
  // (`last` is a JSON.parse copy, so sameJson's prototype check keeps class instances and the like off this path.)
  if (last !== undefined && sameJson(value, last, { left: 32 })) return last as T;
  let key: string | undefined;
  try {
    key = JSON.stringify(value);
  } catch {
    return value; // cycles, BigInt: not JSON, not shared
  }
  if (key === '{}') return EMPTY_OBJECT as T;
  const hit = table.get(key);
  if (hit !== undefined) return (last = hit) as T;
  const copy = deepFreeze(JSON.parse(key) as T);
  if (key.length <= MAX_KEY_LENGTH) {
    if (table.size >= MAX_ENTRIES) table.clear();
    table.set(key, copy);
    last = copy;
  }
  return copy;
}
