import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from './json-schema-validator';

/** Issue messages only. */
const messages = (schema: unknown, value: unknown): string[] => validateJsonSchema(schema, value).map((i) => i.message);
/** Whether the value is valid. */
const ok = (schema: unknown, value: unknown): boolean => validateJsonSchema(schema, value).length === 0;

describe('validateJsonSchema: types', () => {
  it('checks a single type', () => {
    expect(ok({ type: 'string' }, 'a')).toBe(true);
    expect(messages({ type: 'string' }, 1)).toEqual(['Expected string, received number']);
    expect(messages({ type: 'object' }, [])).toEqual(['Expected object, received array']);
    expect(messages({ type: 'object' }, null)).toEqual(['Expected object, received null']);
    expect(ok({ type: 'array' }, [])).toBe(true);
    expect(ok({ type: 'boolean' }, false)).toBe(true);
    expect(ok({ type: 'null' }, null)).toBe(true);
    expect(messages({ type: 'number' }, undefined)).toEqual(['Expected number, received undefined']);
  });

  it('tells integer from number', () => {
    expect(ok({ type: 'integer' }, 3)).toBe(true);
    expect(ok({ type: 'integer' }, 3.0)).toBe(true);
    expect(messages({ type: 'integer' }, 3.5)).toEqual(['Expected integer, received number']);
    expect(ok({ type: 'number' }, 3)).toBe(true);
  });

  it('accepts a type array', () => {
    expect(ok({ type: ['string', 'null'] }, null)).toBe(true);
    expect(messages({ type: ['string', 'null'] }, 1)).toEqual(['Expected string or null, received number']);
  });

  it('stops at a type mismatch (no follow-up noise)', () => {
    expect(messages({ type: 'string', enum: ['a'], minLength: 3 }, 1)).toEqual(['Expected string, received number']);
  });
});

describe('validateJsonSchema: enum and const', () => {
  it('checks enum with deep equality', () => {
    const schema = { enum: ['a', 'b', { x: [1, 2] }, null] };
    expect(ok(schema, 'a')).toBe(true);
    expect(ok(schema, { x: [1, 2] })).toBe(true);
    expect(ok(schema, null)).toBe(true);
    expect(messages(schema, { x: [2, 1] })).toEqual(['Must be one of: "a", "b", {"x":[1,2]}, null']);
    expect(messages({ enum: ['a', 'b'] }, 'c')).toEqual(['Must be one of: "a", "b"']);
  });

  it('checks const with deep equality', () => {
    expect(ok({ const: { a: 1, b: [true] } }, { b: [true], a: 1 })).toBe(true);
    expect(messages({ const: 'x' }, 'y')).toEqual(['Must be "x"']);
    expect(messages({ const: null }, 0)).toEqual(['Must be null']);
    expect(ok({ const: 1 }, 1.0)).toBe(true);
    expect(ok({ const: [1] }, { 0: 1 })).toBe(false);
  });
});

describe('validateJsonSchema: objects', () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name'],
  };

  it('checks properties and required with pointer paths', () => {
    expect(validateJsonSchema(schema, { name: 'a', age: 2 })).toEqual([]);
    expect(validateJsonSchema(schema, { age: 'x' }, '/arguments')).toEqual([
      { path: '/arguments/name', message: 'Missing required property "name"' },
      { path: '/arguments/age', message: 'Expected integer, received string' },
    ]);
  });

  it('treats a property set to undefined as present but validates it', () => {
    expect(messages(schema, { name: undefined })).toEqual(['Expected string, received undefined']);
  });

  it('rejects additional properties when false', () => {
    const strict = { ...schema, additionalProperties: false };
    expect(validateJsonSchema(strict, { name: 'a', x: 1, 'a/b': 2 }, '/arguments')).toEqual([
      { path: '/arguments/x', message: 'Unexpected property "x"' },
      { path: '/arguments/a~1b', message: 'Unexpected property "a/b"' },
    ]);
  });

  it('validates additional properties against a schema', () => {
    const dict = { type: 'object', additionalProperties: { type: 'number' } };
    expect(ok(dict, { a: 1, b: 2 })).toBe(true);
    expect(validateJsonSchema(dict, { a: 1, b: 'x' })).toEqual([{ path: '/b', message: 'Expected number, received string' }]);
  });

  it('counts patternProperties as known', () => {
    const s = { patternProperties: { '^x-': { type: 'string' } }, additionalProperties: false };
    expect(ok(s, { 'x-a': 'y' })).toBe(true);
    expect(messages(s, { 'x-a': 1, b: 1 })).toEqual(['Expected string, received number', 'Unexpected property "b"']);
  });

  it('checks minProperties / maxProperties', () => {
    expect(messages({ minProperties: 1 }, {})).toEqual(['Must have at least 1 property']);
    expect(messages({ maxProperties: 1 }, { a: 1, b: 2 })).toEqual(['Must have at most 1 property']);
  });

  it('handles a __proto__ key from JSON.parse as data', () => {
    const value = JSON.parse('{"__proto__": 5}') as unknown;
    expect(messages({ additionalProperties: false }, value)).toEqual(['Unexpected property "__proto__"']);
    const schema = JSON.parse('{"properties": {"__proto__": {"type": "string"}}}') as unknown;
    expect(messages(schema, value)).toEqual(['Expected string, received number']);
    expect(messages(schema, {})).toEqual([]);
  });
});

describe('validateJsonSchema: arrays', () => {
  it('checks items against a schema', () => {
    expect(ok({ type: 'array', items: { type: 'string' } }, ['a', 'b'])).toBe(true);
    expect(validateJsonSchema({ items: { type: 'string' } }, ['a', 2], '/arguments/tags')).toEqual([
      { path: '/arguments/tags/1', message: 'Expected string, received number' },
    ]);
  });

  it('checks prefixItems, then items for the rest', () => {
    const tuple = { prefixItems: [{ type: 'string' }, { type: 'number' }], items: false };
    expect(ok(tuple, ['a', 1])).toBe(true);
    expect(ok(tuple, ['a'])).toBe(true);
    expect(validateJsonSchema(tuple, [1, 1, 1])).toEqual([
      { path: '/0', message: 'Expected string, received number' },
      { path: '/2', message: 'Unexpected item' },
    ]);
    expect(ok({ prefixItems: [{ type: 'string' }], items: { type: 'number' } }, ['a', 1, 2])).toBe(true);
  });

  it('supports the draft-07 tuple form with additionalItems', () => {
    const tuple = { items: [{ type: 'string' }], additionalItems: { type: 'boolean' } };
    expect(ok(tuple, ['a', true])).toBe(true);
    expect(messages(tuple, ['a', 1])).toEqual(['Expected boolean, received number']);
  });

  it('checks minItems / maxItems / uniqueItems', () => {
    expect(messages({ minItems: 2 }, [1])).toEqual(['Must have at least 2 items']);
    expect(messages({ maxItems: 1 }, [1, 2])).toEqual(['Must have at most 1 item']);
    expect(ok({ minItems: 1, maxItems: 2 }, [1])).toBe(true);
    expect(messages({ uniqueItems: true }, [{ a: 1 }, 2, { a: 1 }])).toEqual(['Items must be unique (items 0 and 2 are equal)']);
    expect(ok({ uniqueItems: true }, [1, '1', [1]])).toBe(true);
  });
});

describe('validateJsonSchema: strings', () => {
  it('checks minLength / maxLength in code points', () => {
    expect(messages({ minLength: 2 }, 'a')).toEqual(['Must be at least 2 characters']);
    expect(messages({ maxLength: 1 }, 'ab')).toEqual(['Must be at most 1 character']);
    expect(ok({ maxLength: 1 }, '😀')).toBe(true);
    expect(ok({ minLength: 2 }, '😀')).toBe(false);
  });

  it('checks pattern with the u flag', () => {
    expect(ok({ pattern: '^[a-z]+$' }, 'abc')).toBe(true);
    expect(messages({ pattern: '^[a-z]+$' }, 'aBc')).toEqual(['Must match pattern "^[a-z]+$"']);
    expect(ok({ pattern: '^\\p{L}+$' }, 'héllo')).toBe(true);
    expect(ok({ pattern: 'b' }, 'abc')).toBe(true); // not anchored
  });

  it('ignores a pattern that does not compile', () => {
    expect(ok({ pattern: '(' }, 'x')).toBe(true);
    expect(ok({ pattern: '\\c' }, 'x')).toBe(true); // invalid in Unicode mode
  });

  it('does not apply string keywords to other types', () => {
    expect(ok({ minLength: 3, pattern: '^a' }, 5)).toBe(true);
  });
});

describe('validateJsonSchema: numbers', () => {
  it('checks minimum / maximum', () => {
    expect(messages({ minimum: 5 }, 4)).toEqual(['Must be >= 5']);
    expect(ok({ minimum: 5 }, 5)).toBe(true);
    expect(messages({ maximum: 5 }, 6)).toEqual(['Must be <= 5']);
    expect(ok({ maximum: 5 }, 5)).toBe(true);
  });

  it('checks exclusiveMinimum / exclusiveMaximum (numbers and draft-04 booleans)', () => {
    expect(messages({ exclusiveMinimum: 5 }, 5)).toEqual(['Must be > 5']);
    expect(ok({ exclusiveMinimum: 5 }, 5.1)).toBe(true);
    expect(messages({ exclusiveMaximum: 5 }, 5)).toEqual(['Must be < 5']);
    expect(messages({ minimum: 5, exclusiveMinimum: true }, 5)).toEqual(['Must be > 5']);
    expect(messages({ maximum: 5, exclusiveMaximum: true }, 5)).toEqual(['Must be < 5']);
  });

  it('checks multipleOf, tolerant of floating point', () => {
    expect(ok({ multipleOf: 3 }, 9)).toBe(true);
    expect(messages({ multipleOf: 3 }, 10)).toEqual(['Must be a multiple of 3']);
    expect(ok({ multipleOf: 0.1 }, 0.3)).toBe(true);
    expect(ok({ multipleOf: 0.01 }, 19.99)).toBe(true);
    expect(ok({ multipleOf: 0.1 }, 0.35)).toBe(false);
  });
});

describe('validateJsonSchema: combinators', () => {
  it('allOf reports every failing branch', () => {
    const s = { allOf: [{ minLength: 2 }, { pattern: '^a' }] };
    expect(ok(s, 'ab')).toBe(true);
    expect(messages(s, 'b')).toEqual(['Must be at least 2 characters', 'Must match pattern "^a"']);
  });

  it('anyOf merges type mismatches into one message', () => {
    const s = { anyOf: [{ type: 'string' }, { type: 'number' }] };
    expect(ok(s, 'a')).toBe(true);
    expect(ok(s, 1)).toBe(true);
    expect(messages(s, true)).toEqual(['Expected string or number, received boolean']);
  });

  it('anyOf reports the issues of the only branch of the right type', () => {
    const s = { anyOf: [{ type: 'object', required: ['a'] }, { type: 'null' }] };
    expect(validateJsonSchema(s, {}, '/x')).toEqual([{ path: '/x/a', message: 'Missing required property "a"' }]);
  });

  it('anyOf summarises when several branches of the right type fail', () => {
    const s = { anyOf: [{ type: 'string', minLength: 5 }, { type: 'string', pattern: '^z' }] };
    expect(messages(s, 'abc')).toEqual(['Must match at least one schema in anyOf']);
  });

  it('oneOf needs exactly one match', () => {
    const s = { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 10 }] };
    expect(ok(s, 3)).toBe(true);
    expect(ok(s, 10.5)).toBe(true);
    expect(messages(s, 11)).toEqual(['Must match exactly one schema in oneOf (matched 2)']);
    expect(messages(s, 'x')).toEqual(['Expected integer or number, received string']);
  });

  it('not inverts', () => {
    expect(ok({ not: { type: 'string' } }, 1)).toBe(true);
    expect(messages({ not: { type: 'string' } }, 'a')).toEqual(['Must not match the schema in "not"']);
  });

  it('if / then / else', () => {
    const s = {
      if: { properties: { kind: { const: 'a' } } },
      then: { required: ['a'] },
      else: { required: ['b'] },
    };
    expect(ok(s, { kind: 'a', a: 1 })).toBe(true);
    expect(messages(s, { kind: 'a' })).toEqual(['Missing required property "a"']);
    expect(ok(s, { kind: 'z', b: 1 })).toBe(true);
    expect(messages(s, { kind: 'z' })).toEqual(['Missing required property "b"']);
    expect(ok({ if: { type: 'string' }, then: { minLength: 2 } }, 1)).toBe(true);
  });
});

describe('validateJsonSchema: $ref', () => {
  it('resolves #/$defs and #/definitions', () => {
    const s = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' }, b: { $ref: '#/definitions/B' } },
      $defs: { A: { type: 'string' } },
      definitions: { B: { type: 'number' } },
    };
    expect(ok(s, { a: 'x', b: 1 })).toBe(true);
    expect(validateJsonSchema(s, { a: 1, b: 'x' })).toEqual([
      { path: '/a', message: 'Expected string, received number' },
      { path: '/b', message: 'Expected number, received string' },
    ]);
  });

  it('follows a recursive # ref through nested data', () => {
    const tree = {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['name'],
    };
    expect(ok(tree, { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] })).toBe(true);
    expect(validateJsonSchema(tree, { name: 'a', children: [{ children: [{ name: 1 }] }] })).toEqual([
      { path: '/children/0/name', message: 'Missing required property "name"' },
      { path: '/children/0/children/0/name', message: 'Expected string, received number' },
    ]);
  });

  it('does not hang on a cyclic $ref', () => {
    expect(ok({ $ref: '#' }, 1)).toBe(true);
    const loop = { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' };
    expect(ok(loop, { x: 1 })).toBe(true);
    const withType = { $defs: { a: { $ref: '#/$defs/a', type: 'string' } }, $ref: '#/$defs/a' };
    expect(messages(withType, 1)).toEqual(['Expected string, received number']);
  });

  it('guards against runaway depth', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 400; i++) value = [value];
    const issues = validateJsonSchema({ items: { $ref: '#' } }, value);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toBe('Schema nesting too deep');
  });

  it('ignores a ref it cannot resolve', () => {
    expect(ok({ $ref: '#/$defs/missing' }, 1)).toBe(true);
    expect(ok({ $ref: 'https://example.com/schema.json' }, 1)).toBe(true);
  });

  it('resolves a ref to a boolean schema', () => {
    expect(messages({ $defs: { no: false }, $ref: '#/$defs/no' }, 1)).toEqual(['Not allowed']);
  });
});

describe('validateJsonSchema: boolean schemas and unknown keywords', () => {
  it('true accepts, false rejects', () => {
    expect(ok(true, { anything: 1 })).toBe(true);
    expect(validateJsonSchema(false, 1, '/arguments')).toEqual([{ path: '/arguments', message: 'Not allowed' }]);
    expect(validateJsonSchema({ properties: { x: false } }, { x: 1 })).toEqual([{ path: '/x', message: 'Not allowed' }]);
  });

  it('ignores unknown keywords', () => {
    expect(ok({ type: 'string', format: 'email', $anchor: 'a', 'x-custom': 1, description: 'd' }, 'not an email')).toBe(true);
    expect(ok({}, null)).toBe(true);
  });
});
