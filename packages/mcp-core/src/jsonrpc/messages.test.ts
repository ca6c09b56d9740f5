import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes';
import { classify, parseJson } from './messages';

describe('classify: requests and notifications (JR-01, JR-02, JR-05)', () => {
  it('classifies a request with an integer id and keeps the message object', () => {
    const msg = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 'x' } };
    const c = classify(msg);
    expect(c).toEqual({ kind: 'request', message: msg });
    expect(c.kind === 'request' && c.message).toBe(msg);
  });

  it('classifies a request with a string id (JR-02)', () => {
    expect(classify({ jsonrpc: '2.0', id: 'abc', method: 'ping' })).toEqual({
      kind: 'request',
      message: { jsonrpc: '2.0', id: 'abc', method: 'ping' },
    });
  });

  it('accepts id 0, negative integers and the empty string as ids', () => {
    for (const id of [0, -5, '']) expect(classify({ jsonrpc: '2.0', id, method: 'ping' }).kind).toBe('request');
  });

  it('classifies a message without id as a notification (JR-05)', () => {
    const n = { jsonrpc: '2.0', method: 'notifications/initialized' };
    expect(classify(n)).toEqual({ kind: 'notification', message: n });
  });

  it('accepts an absent params member and an object params', () => {
    expect(classify({ jsonrpc: '2.0', method: 'x' }).kind).toBe('notification');
    expect(classify({ jsonrpc: '2.0', method: 'x', params: {} }).kind).toBe('notification');
    expect(classify({ jsonrpc: '2.0', id: 2, method: 'x', params: { a: 1 } }).kind).toBe('request');
  });
});

describe('classify: responses (JR-03)', () => {
  it('classifies a result response', () => {
    const r = { jsonrpc: '2.0', id: 3, result: {} };
    expect(classify(r)).toEqual({ kind: 'response', message: r });
  });

  it('classifies an error response', () => {
    const r = { jsonrpc: '2.0', id: 'x', error: { code: -32601, message: 'nope' } };
    expect(classify(r)).toEqual({ kind: 'response', message: r });
  });

  it('classifies a response whose result is null (present member)', () => {
    expect(classify({ jsonrpc: '2.0', id: 3, result: null }).kind).toBe('response');
  });

  it('refuses a response carrying both result and error (JR-03)', () => {
    const c = classify({ jsonrpc: '2.0', id: 3, result: {}, error: { code: 1, message: 'm' } });
    expect(c.kind).toBe('invalid');
    expect(c).toMatchObject({ id: 3, code: ErrorCode.InvalidRequest });
  });

  it('refuses a response carrying neither result nor error', () => {
    expect(classify({ jsonrpc: '2.0', id: 3 })).toMatchObject({ kind: 'invalid', id: 3, code: ErrorCode.InvalidRequest });
  });

  it('refuses a response without an id', () => {
    expect(classify({ jsonrpc: '2.0', result: {} })).toMatchObject({ kind: 'invalid', id: undefined, code: ErrorCode.InvalidRequest });
  });
});

describe('classify: invalid shapes (JR-01, JR-02, JR-07)', () => {
  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['null', null],
    ['a boolean', true],
    ['undefined', undefined],
    ['an array', [{ jsonrpc: '2.0', id: 1, method: 'ping' }]],
  ])('refuses %s with -32600 and no id', (_label, value) => {
    const c = classify(value);
    expect(c.kind).toBe('invalid');
    expect(c).toMatchObject({ id: undefined, code: ErrorCode.InvalidRequest });
    expect(c.kind === 'invalid' && c.reason).toMatch(/object/);
  });

  it('refuses a missing or wrong jsonrpc member, keeping the readable id', () => {
    expect(classify({ id: 7, method: 'ping' })).toMatchObject({ kind: 'invalid', id: 7, code: ErrorCode.InvalidRequest });
    expect(classify({ jsonrpc: '1.0', id: 'a', method: 'ping' })).toMatchObject({ kind: 'invalid', id: 'a', code: ErrorCode.InvalidRequest });
    expect(classify({ jsonrpc: 2, id: 1, method: 'ping' })).toMatchObject({ kind: 'invalid', code: ErrorCode.InvalidRequest });
  });

  it('refuses id null with -32600 and reports no id (JR-02)', () => {
    const c = classify({ jsonrpc: '2.0', id: null, method: 'ping' });
    expect(c).toMatchObject({ kind: 'invalid', id: undefined, code: ErrorCode.InvalidRequest });
    expect(c.kind === 'invalid' && c.reason).toMatch(/null/);
  });

  it.each([[1.5], [NaN], [Infinity], [{}], [[1]], [true]])('refuses the non-string, non-integer id %s (JR-02)', (id) => {
    expect(classify({ jsonrpc: '2.0', id, method: 'ping' })).toMatchObject({ kind: 'invalid', id: undefined, code: ErrorCode.InvalidRequest });
  });

  it('refuses an empty or non-string method with -32600, keeping the id', () => {
    expect(classify({ jsonrpc: '2.0', id: 1, method: '' })).toMatchObject({ kind: 'invalid', id: 1, code: ErrorCode.InvalidRequest });
    expect(classify({ jsonrpc: '2.0', id: 1, method: 5 })).toMatchObject({ kind: 'invalid', id: 1, code: ErrorCode.InvalidRequest });
    expect(classify({ jsonrpc: '2.0', id: 1, method: null })).toMatchObject({ kind: 'invalid', id: 1, code: ErrorCode.InvalidRequest });
  });

  it.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'x'],
    ['a number', 3],
  ])('refuses params that are %s with -32602 (JR-01)', (_label, params) => {
    expect(classify({ jsonrpc: '2.0', id: 'r', method: 'tools/call', params })).toMatchObject({
      kind: 'invalid',
      id: 'r',
      code: ErrorCode.InvalidParams,
    });
    // A notification with bad params is invalid too, without an id.
    expect(classify({ jsonrpc: '2.0', method: 'notifications/x', params })).toMatchObject({
      kind: 'invalid',
      id: undefined,
      code: ErrorCode.InvalidParams,
    });
  });

  it('never throws, even for exotic objects', () => {
    const proto = Object.create(null) as Record<string, unknown>;
    proto.jsonrpc = '2.0';
    proto.method = 'ping';
    proto.id = 1;
    expect(classify(proto).kind).toBe('request');
    expect(() => classify(new Date())).not.toThrow();
  });
});

describe('parseJson (JR-07)', () => {
  it('decodes valid JSON, wrapping the value so falsy values are distinguishable', () => {
    expect(parseJson('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseJson('null')).toEqual({ value: null });
    expect(parseJson('0')).toEqual({ value: 0 });
    expect(parseJson('false')).toEqual({ value: false });
    expect(parseJson('[1,2]')).toEqual({ value: [1, 2] });
    expect(parseJson('"é✓"')).toEqual({ value: 'é✓' });
  });

  it('returns undefined for malformed JSON instead of throwing', () => {
    for (const text of ['', '{', '{"a":}', 'undefined', "{'a':1}", '{"a":1}x', 'NaN']) expect(parseJson(text)).toBeUndefined();
  });
});
