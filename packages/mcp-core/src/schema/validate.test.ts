import type { StandardSchemaV1 } from '@standard-schema/spec';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateWithSchema } from './validate';
import type { ValidationResult } from './validate';

/** Asserts a result is synchronous (not a Promise) and returns it. */
function sync<T>(r: ValidationResult<T> | Promise<ValidationResult<T>>): ValidationResult<T> {
  expect(r).not.toBeInstanceOf(Promise);
  return r as ValidationResult<T>;
}

const user = { user: { name: 'Ada', age: 'old' }, tags: ['a', 2] };

describe('validateWithSchema: valibot', () => {
  const schema = v.object({
    user: v.object({ name: v.string(), age: v.number() }),
    tags: v.array(v.string()),
  });

  it('maps nested and array issue paths to JSON Pointers with the library message', () => {
    const r = sync(validateWithSchema(schema, user, '/arguments'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path)).toEqual(['/arguments/user/age', '/arguments/tags/1']);
    expect(r.issues[0]!.message).toMatch(/Invalid type: Expected number/);
  });

  it('returns the parsed output (default applied)', () => {
    const s = v.object({ n: v.optional(v.number(), 7), s: v.pipe(v.string(), v.trim()) });
    expect(sync(validateWithSchema(s, { s: '  x ' }))).toEqual({ ok: true, value: { n: 7, s: 'x' } });
  });
});

describe('validateWithSchema: zod', () => {
  const schema = z.object({
    user: z.object({ name: z.string(), age: z.number() }),
    tags: z.array(z.string()),
  });

  it('maps nested and array issue paths', () => {
    const r = sync(validateWithSchema(schema, user, '/arguments'));
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: '/arguments/user/age', message: 'Invalid input: expected number, received string' },
        { path: '/arguments/tags/1', message: 'Invalid input: expected string, received number' },
      ],
    });
  });

  it('escapes ~ and / in keys', () => {
    const s = z.object({ 'a/b': z.object({ 'c~d': z.string() }) });
    const r = sync(validateWithSchema(s, { 'a/b': { 'c~d': 1 } }, '/arguments'));
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['/arguments/a~1b/c~0d']);
  });

  it('returns the parsed output (transform and default applied)', () => {
    const s = z.object({ n: z.string().transform((x) => x.length), d: z.number().default(3) });
    expect(sync(validateWithSchema(s, { n: 'abcd' }))).toEqual({ ok: true, value: { n: 4, d: 3 } });
  });

  it('maps a root issue to the prefix, or to the empty pointer', () => {
    expect(sync(validateWithSchema(z.object({}), 'x', '/arguments'))).toMatchObject({
      ok: false,
      issues: [{ path: '/arguments' }],
    });
    expect(sync(validateWithSchema(z.string(), 1))).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });

  it('returns a Promise for an async zod schema', async () => {
    const s = z.object({ a: z.string().refine(async (x) => x === 'ok', 'Not ok') });
    const pending = validateWithSchema(s, { a: 'no' }, '/arguments');
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ ok: false, issues: [{ path: '/arguments/a', message: 'Not ok' }] });
  });
});

describe('validateWithSchema: arktype', () => {
  const schema = type({ user: { name: 'string', age: 'number' }, tags: 'string[]' });

  it('maps nested and array issue paths', () => {
    const r = sync(validateWithSchema(schema, user, '/arguments'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['/arguments/tags/1', '/arguments/user/age']);
    const age = r.issues.find((i) => i.path === '/arguments/user/age');
    expect(age?.message).toMatch(/must be a number/);
  });

  it('returns the morphed output', () => {
    const s = type({ n: 'string.numeric.parse' });
    expect(sync(validateWithSchema(s, { n: '42' }))).toEqual({ ok: true, value: { n: 42 } });
  });
});

describe('validateWithSchema: hand-written Standard Schemas', () => {
  const asyncSchema: StandardSchemaV1<unknown, { id: number }> = {
    '~standard': {
      version: 1,
      vendor: 'fake-async',
      validate: (value) =>
        Promise.resolve(
          typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number'
            ? { value: value as { id: number } }
            : { issues: [{ message: 'Bad id', path: [{ key: 'id' }] }] },
        ),
    },
  };

  it('handles an async validate', async () => {
    const bad = validateWithSchema(asyncSchema, { id: 'x' }, '/arguments');
    expect(bad).toBeInstanceOf(Promise);
    expect(await bad).toEqual({ ok: false, issues: [{ path: '/arguments/id', message: 'Bad id' }] });
    expect(await validateWithSchema(asyncSchema, { id: 1 })).toEqual({ ok: true, value: { id: 1 } });
  });

  it('handles issues with no path, symbols, numbers and an empty issue list', () => {
    const schema: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'fake',
        validate: (value) =>
          value === 1
            ? { issues: [] }
            : { issues: [{ message: 'root' }, { message: '', path: [Symbol('sym'), 3, { key: 'a/b' }] }] },
      },
    };
    expect(sync(validateWithSchema(schema, 0, '/arguments'))).toEqual({
      ok: false,
      issues: [
        { path: '/arguments', message: 'root' },
        { path: '/arguments/sym/3/a~1b', message: 'Invalid value' },
      ],
    });
    expect(sync(validateWithSchema(schema, 1))).toEqual({ ok: false, issues: [{ path: '', message: 'Invalid value' }] });
  });
});

describe('validateWithSchema: raw JSON Schema', () => {
  const schema = {
    type: 'object',
    properties: { user: { type: 'object', properties: { age: { type: 'number' } } }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['user'],
  };

  it('validates synchronously with the built-in validator', () => {
    expect(sync(validateWithSchema(schema, user, '/arguments'))).toEqual({
      ok: false,
      issues: [
        { path: '/arguments/user/age', message: 'Expected number, received string' },
        { path: '/arguments/tags/1', message: 'Expected string, received number' },
      ],
    });
  });

  it('returns the value itself when valid', () => {
    const value = { user: { age: 3 } };
    const r = sync(validateWithSchema(schema, value));
    expect(r.ok && r.value).toBe(value);
  });

  it('accepts boolean schemas', () => {
    expect(sync(validateWithSchema(true, 1)).ok).toBe(true);
    expect(sync(validateWithSchema(false, 1)).ok).toBe(false);
  });

  it('throws a TypeError for what is not a schema', () => {
    expect(() => validateWithSchema('string', 1)).toThrow(TypeError);
    expect(() => validateWithSchema(null, 1)).toThrow(TypeError);
    expect(() => validateWithSchema({ '~standard': { version: 1, vendor: 'half' } }, 1)).toThrow(/"half"/);
  });
});
