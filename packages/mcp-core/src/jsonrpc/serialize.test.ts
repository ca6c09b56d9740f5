import { describe, expect, it } from 'vitest';
import { ErrorCode } from './codes';
import { RawJson, errorText, messageText, resultText } from './serialize';

describe('resultText (JR-03)', () => {
  it('echoes a numeric id as a number', () => {
    const text = resultText(1, { ok: true });
    expect(text).toBe('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
    expect(JSON.parse(text).id).toBe(1);
  });

  it('echoes a string id as a string, never as a number ("1" vs 1)', () => {
    const text = resultText('1', {});
    expect(text).toBe('{"jsonrpc":"2.0","id":"1","result":{}}');
    expect(JSON.parse(text).id).toBe('1');
    expect(JSON.parse(text).id).not.toBe(1);
  });

  it('escapes string ids that need it', () => {
    const id = 'a"b\\c\n✓';
    expect(JSON.parse(resultText(id, {})).id).toBe(id);
  });

  it('keeps id 0 and negative ids', () => {
    expect(JSON.parse(resultText(0, {})).id).toBe(0);
    expect(JSON.parse(resultText(-3, {})).id).toBe(-3);
  });

  it('splices a RawJson result verbatim without stringifying it again', () => {
    const raw = new RawJson('{"tools":[],"nextCursor":"cA"}');
    const text = resultText(7, raw);
    expect(text).toBe('{"jsonrpc":"2.0","id":7,"result":{"tools":[],"nextCursor":"cA"}}');
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', id: 7, result: { tools: [], nextCursor: 'cA' } });
  });

  it('keeps RawJson text byte for byte (spacing preserved)', () => {
    const raw = new RawJson('{ "a" : 1 }');
    expect(resultText('x', raw)).toBe('{"jsonrpc":"2.0","id":"x","result":{ "a" : 1 }}');
  });

  it('produces exactly one of result or error', () => {
    const parsed = JSON.parse(resultText(1, { a: 1 }));
    expect('result' in parsed).toBe(true);
    expect('error' in parsed).toBe(false);
  });
});

describe('errorText (JR-04, TRAP-02)', () => {
  const err = { code: ErrorCode.InvalidParams, message: 'Bad params' };

  it('echoes the id with its type when known', () => {
    expect(errorText(5, err)).toBe('{"jsonrpc":"2.0","id":5,"error":{"code":-32602,"message":"Bad params"}}');
    expect(JSON.parse(errorText('5', err)).id).toBe('5');
  });

  it('writes "id":null without an id when nullId is true (default, 2025-06-18 and older)', () => {
    expect(errorText(undefined, err)).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"Bad params"}}');
    expect(errorText(undefined, err, true)).toBe(errorText(undefined, err));
  });

  it('omits id entirely without an id when nullId is false (2025-11-25+)', () => {
    const text = errorText(undefined, err, false);
    expect(text).toBe('{"jsonrpc":"2.0","error":{"code":-32602,"message":"Bad params"}}');
    expect('id' in JSON.parse(text)).toBe(false);
  });

  it('ignores nullId when the id is known', () => {
    expect(JSON.parse(errorText(9, err, false)).id).toBe(9);
  });

  it('omits data when it is undefined', () => {
    const parsed = JSON.parse(errorText(1, { code: -32603, message: 'x', data: undefined }));
    expect('data' in parsed.error).toBe(false);
  });

  it('includes data when given, including falsy data', () => {
    expect(JSON.parse(errorText(1, { code: -32002, message: 'nf', data: { uri: 'a://b' } })).error.data).toEqual({ uri: 'a://b' });
    expect(JSON.parse(errorText(1, { code: 1, message: 'm', data: null })).error).toEqual({ code: 1, message: 'm', data: null });
    expect(JSON.parse(errorText(1, { code: 1, message: 'm', data: 0 })).error).toEqual({ code: 1, message: 'm', data: 0 });
  });

  it('produces exactly one of result or error', () => {
    const parsed = JSON.parse(errorText(1, err));
    expect('error' in parsed).toBe(true);
    expect('result' in parsed).toBe(false);
  });
});

describe('messageText', () => {
  it('builds a notification without an id', () => {
    const text = messageText('notifications/progress', { progressToken: 't', progress: 1 });
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } });
    expect('id' in JSON.parse(text)).toBe(false);
  });

  it('builds a request when an id is given, keeping its type', () => {
    expect(JSON.parse(messageText('roots/list', {}, 3))).toEqual({ jsonrpc: '2.0', id: 3, method: 'roots/list', params: {} });
    expect(JSON.parse(messageText('roots/list', {}, '3')).id).toBe('3');
  });

  it('drops params when undefined', () => {
    expect(JSON.parse(messageText('roots/list', undefined, 1))).toEqual({ jsonrpc: '2.0', id: 1, method: 'roots/list' });
  });
});
