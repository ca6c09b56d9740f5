import { describe, expect, it } from 'vitest';
import { appendPointer, escapePointerToken, resolveLocalRef, toJsonPointer, unescapePointerToken } from './json-pointer';

describe('JSON Pointer helpers', () => {
  it('escapes ~ before / and round-trips', () => {
    expect(escapePointerToken('a~/b')).toBe('a~0~1b');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(unescapePointerToken('~01')).toBe('~1');
    expect(unescapePointerToken(escapePointerToken('x/~y~1/'))).toBe('x/~y~1/');
  });

  it('builds pointers from keys, indices and { key } segments', () => {
    expect(toJsonPointer(['user', { key: 'tags' }, 1], '/arguments')).toBe('/arguments/user/tags/1');
    expect(toJsonPointer([], '/arguments')).toBe('/arguments');
    expect(toJsonPointer(undefined)).toBe('');
    expect(toJsonPointer([Symbol('s')])).toBe('/s');
    expect(appendPointer('', 'a/b')).toBe('/a~1b');
    expect(toJsonPointer([''])).toBe('/');
  });

  it('resolves local refs', () => {
    const root = { $defs: { 'a/b': { type: 'string' }, 'x y': 1 }, definitions: { d: { type: 'number' } } };
    expect(resolveLocalRef(root, '#')).toBe(root);
    expect(resolveLocalRef(root, '#/$defs/a~1b')).toEqual({ type: 'string' });
    expect(resolveLocalRef(root, '#/$defs/x%20y')).toBe(1);
    expect(resolveLocalRef(root, '#/definitions/d')).toEqual({ type: 'number' });
    expect(resolveLocalRef(root, '#/$defs/missing')).toBeUndefined();
    expect(resolveLocalRef(root, 'https://example.com/s.json')).toBeUndefined();
    expect(resolveLocalRef(root, '#anchor')).toBeUndefined();
    expect(resolveLocalRef(root, '#/%E0%A4%A')).toBeUndefined();
  });
});
