import { describe, it, expect } from 'vitest';
import { encodeSseComment, encodeSseEvent } from './encode';

describe('encodeSseEvent', () => {
  it('encodes single-line data as one data line', () => {
    expect(encodeSseEvent({ data: '{"jsonrpc":"2.0","id":1}' })).toBe('data: {"jsonrpc":"2.0","id":1}\n\n');
  });

  it('splits data on LF, CRLF and CR alike', () => {
    expect(encodeSseEvent({ data: 'a\nb' })).toBe('data: a\ndata: b\n\n');
    expect(encodeSseEvent({ data: 'a\r\nb' })).toBe('data: a\ndata: b\n\n');
    expect(encodeSseEvent({ data: 'a\rb' })).toBe('data: a\ndata: b\n\n');
    expect(encodeSseEvent({ data: 'a\r\n\nb\r' })).toBe('data: a\ndata: \ndata: b\ndata: \n\n');
  });

  it('keeps leading spaces and colons in data intact', () => {
    expect(encodeSseEvent({ data: ' x: y' })).toBe('data:  x: y\n\n');
  });

  it('writes id, event and retry before data', () => {
    expect(encodeSseEvent({ data: 'd', retry: 1000, event: 'message', id: '42' })).toBe(
      'id: 42\nevent: message\nretry: 1000\ndata: d\n\n',
    );
  });

  it('gives the priming event shape for empty data', () => {
    expect(encodeSseEvent({ id: 'abc_1', data: '' })).toBe('id: abc_1\ndata: \n\n');
    expect(encodeSseEvent({ data: '' })).toBe('data: \n\n');
  });

  it('writes no data line when data is undefined', () => {
    expect(encodeSseEvent({ retry: 0 })).toBe('retry: 0\n\n');
    expect(encodeSseEvent({ id: '' })).toBe('id: \n\n');
    expect(encodeSseEvent({ id: '1', retry: 500 })).toBe('id: 1\nretry: 500\n\n');
  });

  it('rejects an event with no field', () => {
    expect(() => encodeSseEvent({})).toThrow(TypeError);
  });

  it.each(['\r', '\n', '\0', 'a\r\nb'])('rejects id and event containing %j', (bad) => {
    expect(() => encodeSseEvent({ id: `x${bad}`, data: 'd' })).toThrow(TypeError);
    expect(() => encodeSseEvent({ id: `x${bad}`, data: 'd' })).toThrow(/\bid\b/);
    expect(() => encodeSseEvent({ event: `x${bad}`, data: 'd' })).toThrow(TypeError);
    expect(() => encodeSseEvent({ event: `x${bad}`, data: 'd' })).toThrow(/\bevent\b/);
  });

  it('allows NUL in data', () => {
    expect(encodeSseEvent({ data: 'a\0b' })).toBe('data: a\0b\n\n');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('rejects retry %s', (retry) => {
    expect(() => encodeSseEvent({ retry, data: 'd' })).toThrow(TypeError);
    expect(() => encodeSseEvent({ retry, data: 'd' })).toThrow(/retry/);
  });

  it('rejects a non-number retry at runtime', () => {
    expect(() => encodeSseEvent({ retry: '5' as unknown as number })).toThrow(TypeError);
  });
});

describe('encodeSseComment', () => {
  it('gives a bare colon with no text', () => {
    expect(encodeSseComment()).toBe(':\n\n');
    expect(encodeSseComment('')).toBe(':\n\n');
  });

  it('prefixes a single line', () => {
    expect(encodeSseComment('keep-alive')).toBe(': keep-alive\n\n');
  });

  it('prefixes every line of a multi-line comment', () => {
    expect(encodeSseComment('a\nb\r\nc\rd')).toBe(': a\n: b\n: c\n: d\n\n');
    expect(encodeSseComment('a\n\nb')).toBe(': a\n:\n: b\n\n');
  });
});
