import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasStandardJsonSchema, hasStandardProps, isStandardSchema, standardVendor } from './standard';

describe('isStandardSchema', () => {
  it('recognises valibot, zod and arktype (a function) schemas', () => {
    expect(isStandardSchema(v.string())).toBe(true);
    expect(isStandardSchema(z.string())).toBe(true);
    const ark = type('string');
    expect(typeof ark).toBe('function');
    expect(isStandardSchema(ark)).toBe(true);
  });

  it('rejects raw JSON Schema, primitives and malformed ~standard props', () => {
    expect(isStandardSchema({ type: 'object' })).toBe(false);
    expect(isStandardSchema(null)).toBe(false);
    expect(isStandardSchema('string')).toBe(false);
    expect(isStandardSchema({ '~standard': { version: 2, vendor: 'x', validate: () => ({ value: 1 }) } })).toBe(false);
    expect(isStandardSchema({ '~standard': { version: 1, vendor: 'x' } })).toBe(false);
    expect(isStandardSchema({ '~standard': null })).toBe(false);
  });
});

describe('hasStandardJsonSchema / standardVendor / hasStandardProps', () => {
  it('sees the Standard JSON Schema converter on zod and arktype, not on plain valibot', () => {
    expect(hasStandardJsonSchema(z.object({ a: z.string() }))).toBe(true);
    expect(hasStandardJsonSchema(type({ a: 'string' }))).toBe(true);
    expect(hasStandardJsonSchema(v.object({ a: v.string() }))).toBe(false);
  });

  it('reads the vendor', () => {
    expect(standardVendor(v.string())).toBe('valibot');
    expect(standardVendor(z.string())).toBe('zod');
    expect(standardVendor(type('string'))).toBe('arktype');
    expect(standardVendor({ type: 'string' })).toBeUndefined();
  });

  it('flags anything with ~standard props', () => {
    expect(hasStandardProps({ '~standard': { version: 9 } })).toBe(true);
    expect(hasStandardProps({ type: 'object' })).toBe(false);
  });
});
