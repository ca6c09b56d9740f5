import type { StandardSchemaV1 } from '@standard-schema/spec';
import { toStandardJsonSchema } from '@valibot/to-json-schema';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toJsonSchema } from './to-json-schema';

/** A Standard Schema from a library that has no JSON Schema converter. */
const fakeSchema: StandardSchemaV1<unknown> = {
  '~standard': { version: 1, vendor: 'fakelib', validate: (value) => ({ value }) },
};

describe('toJsonSchema: valibot', () => {
  it('converts an object schema, without $schema', () => {
    expect(toJsonSchema(v.object({ text: v.string() }))).toEqual({
      type: 'object',
      properties: { text: { type: 'string' } },
      required: ['text'],
    });
  });

  it('does not throw on unsupported parts (v.date, v.check)', () => {
    const schema = v.object({ when: v.date(), name: v.pipe(v.string(), v.check((s) => s.length > 1)) });
    expect(toJsonSchema(schema)).toEqual({
      type: 'object',
      properties: { when: {}, name: { type: 'string' } },
      required: ['when', 'name'],
    });
  });

  it('describes input before and output after a transform', () => {
    const schema = v.object({
      n: v.pipe(v.string(), v.transform(Number)),
      m: v.pipe(v.string(), v.toNumber()),
      t: v.pipe(v.string(), v.trim(), v.minLength(1)),
    });
    expect(toJsonSchema(schema, 'input')['properties']).toEqual({
      n: { type: 'string' },
      m: { type: 'string' },
      t: { type: 'string', minLength: 1 },
    });
    // valibot alone would say { type: 'string' } for n and m here.
    expect(toJsonSchema(schema, 'output')['properties']).toEqual({
      n: {},
      m: { type: 'number' },
      t: { type: 'string', minLength: 1 },
    });
  });

  it('uses a valibot toStandardJsonSchema wrapper without throwing on v.date', () => {
    const wrapped = toStandardJsonSchema(v.object({ when: v.date(), a: v.number() }));
    expect(toJsonSchema(wrapped)).toEqual({
      type: 'object',
      properties: { when: {}, a: { type: 'number' } },
      required: ['when', 'a'],
    });
  });

  it('adds type "object" to a union of objects', () => {
    const out = toJsonSchema(v.union([v.object({ a: v.string() }), v.object({ b: v.number() })]));
    expect(out['type']).toBe('object');
    expect(Object.keys(out)[0]).toBe('type');
    expect(out['anyOf']).toHaveLength(2);
  });
});

describe('toJsonSchema: zod 4', () => {
  it('converts z.object through Standard JSON Schema', () => {
    expect(toJsonSchema(z.object({ name: z.string(), age: z.number().int().optional() }))).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: expect.any(Number), maximum: expect.any(Number) } },
      required: ['name'],
    });
  });

  it('input makes defaulted fields optional; output keeps them required', () => {
    const schema = z.object({ n: z.number().default(3) });
    expect(toJsonSchema(schema, 'input')['required']).toBeUndefined();
    expect(toJsonSchema(schema, 'output')['required']).toEqual(['n']);
  });

  it('does not throw on transforms (output) or dates', () => {
    const schema = z.object({ n: z.string().transform(Number), d: z.date() });
    expect(toJsonSchema(schema, 'output')['properties']).toEqual({ n: {}, d: {} });
    expect(toJsonSchema(schema, 'input')['properties']).toEqual({ n: { type: 'string' }, d: {} });
  });

  it('keeps a recursive schema with a root $ref', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    const out = toJsonSchema(node);
    expect(out['type']).toBe('object');
    expect(out['$schema']).toBeUndefined();
    expect(JSON.stringify(out)).toContain('"$ref"');
  });
});

describe('toJsonSchema: arktype', () => {
  it('converts type({ ... })', () => {
    expect(toJsonSchema(type({ name: 'string', 'age?': 'number.integer' }))).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
      required: ['name'],
    });
  });

  it('describes a morph by its input or output side', () => {
    const schema = type({ n: 'string.numeric.parse' });
    expect((toJsonSchema(schema, 'input')['properties'] as Record<string, { type: string }>)['n']!.type).toBe('string');
    expect(toJsonSchema(schema, 'output')['properties']).toEqual({ n: { type: 'number' } });
  });
});

describe('toJsonSchema: raw JSON Schema', () => {
  it('returns the object untouched, $schema and all', () => {
    const raw = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $anchor: 'root',
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' } },
      $defs: { A: { type: 'string' } },
      allOf: [{ required: ['a'] }],
      if: { properties: { a: { const: 'x' } } },
      then: { required: ['b'] },
      else: {},
    };
    const snapshot = JSON.stringify(raw);
    const out = toJsonSchema(raw);
    expect(out).toBe(raw);
    expect(out).toEqual(JSON.parse(snapshot));
    expect(Object.keys(out)).toEqual(Object.keys(raw));
    expect(JSON.stringify(out)).toBe(snapshot);
    expect(toJsonSchema(raw, 'output')).toBe(raw);
  });

  it('does not force type "object" on a raw schema', () => {
    const raw = { type: 'string' };
    expect(toJsonSchema(raw)).toBe(raw);
  });
});

describe('toJsonSchema: errors', () => {
  it('throws a TypeError naming the vendor for a Standard Schema without a converter', () => {
    expect(() => toJsonSchema(fakeSchema)).toThrow(TypeError);
    expect(() => toJsonSchema(fakeSchema)).toThrow(/"fakelib".*raw JSON Schema/);
  });

  it('throws a TypeError for a non-object input schema', () => {
    expect(() => toJsonSchema(z.string())).toThrow(TypeError);
    expect(() => toJsonSchema(z.string())).toThrow(/zod input schema must describe an object.*of type "string"/);
    expect(() => toJsonSchema(v.array(v.string()))).toThrow(/of type "array"/);
    expect(() => toJsonSchema(type('number'))).toThrow(TypeError);
    expect(() => toJsonSchema(z.object({ a: z.string() }).nullable())).toThrow(/union/);
    expect(() => toJsonSchema(z.any())).toThrow(TypeError);
  });

  it('allows a non-object output schema', () => {
    expect(toJsonSchema(z.string(), 'output')).toEqual({ type: 'string' });
  });

  it('wraps a converter that throws', () => {
    const broken = {
      '~standard': {
        version: 1,
        vendor: 'brokenlib',
        validate: (value: unknown) => ({ value }),
        jsonSchema: {
          input: () => {
            throw new Error('nope');
          },
          output: () => {
            throw new Error('nope');
          },
        },
      },
    };
    expect(() => toJsonSchema(broken)).toThrow(TypeError);
    expect(() => toJsonSchema(broken)).toThrow(/brokenlib input schema.*nope.*raw JSON Schema/);
  });

  it('falls back to draft-07 when draft 2020-12 is not supported', () => {
    const targets: string[] = [];
    const old = {
      '~standard': {
        version: 1,
        vendor: 'oldlib',
        validate: (value: unknown) => ({ value }),
        jsonSchema: {
          input: ({ target }: { target: string }) => {
            targets.push(target);
            if (target !== 'draft-07') throw new Error(`Unsupported target: ${target}`);
            return { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' };
          },
          output: () => ({}),
        },
      },
    };
    expect(toJsonSchema(old)).toEqual({ type: 'object' });
    expect(targets).toEqual(['draft-2020-12', 'draft-07']);
  });

  it('rejects things that are not schemas', () => {
    expect(() => toJsonSchema(null)).toThrow(TypeError);
    expect(() => toJsonSchema('object')).toThrow(TypeError);
    expect(() => toJsonSchema([])).toThrow(TypeError);
  });
});
