import { describe, expect, it } from 'vitest';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { decodeCursor, encodeCursor } from './pagination';

/** The McpError decodeCursor throws. */
function rejection(cursor: unknown, pages: number): McpError {
  try {
    decodeCursor(cursor, pages);
  } catch (error) {
    expect(error).toBeInstanceOf(McpError);
    return error as McpError;
  }
  throw new Error(`decodeCursor accepted ${JSON.stringify(cursor)}`);
}

describe('cursor round-trip (PAG-01)', () => {
  it('decodes what it encodes, for every page index past the first', () => {
    for (const page of [1, 2, 9, 10, 99, 12345, 999_999_999]) expect(decodeCursor(encodeCursor(page), page + 1)).toBe(page);
  });

  it('returns page 0 when there is no cursor', () => {
    expect(decodeCursor(undefined, 5)).toBe(0);
    expect(decodeCursor(undefined, 0)).toBe(0);
  });

  it('issues opaque, unpadded, short cursors that differ per page', () => {
    const cursors = [1, 2, 3, 10].map(encodeCursor);
    expect(new Set(cursors).size).toBe(4);
    for (const c of cursors) {
      expect(c).not.toMatch(/=/);
      expect(c).not.toMatch(/^\d+$/);
      expect(c.length).toBeGreaterThan(0);
      expect(c.length).toBeLessThan(32);
    }
  });

  it('never issues the empty string as a cursor (PAG-01: "" is a valid cursor in 26-07)', () => {
    expect(encodeCursor(1)).not.toBe('');
  });
});

describe('invalid cursors → McpError -32602 (PAG-01)', () => {
  it.each([
    ['the empty string', ''],
    ['garbage', 'not-a-cursor!!'],
    ['a plain number string', '1'],
    ['base64 of a foreign payload', btoa('offset=1')],
    ['base64 with the wrong prefix', btoa('q:1')],
    ['base64 with a negative page', btoa('p:-1')],
    ['base64 with a fractional page', btoa('p:1.5')],
    ['base64 with too many digits', btoa('p:1234567890')],
    ['a cursor of 32 characters or more', 'cDox'.repeat(8)],
  ])('rejects %s', (_label, cursor) => {
    const e = rejection(cursor, 1000);
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.data).toEqual({ cursor });
  });

  it.each([[1], [null], [{}], [['cDox']], [true]])('rejects a non-string cursor %j', (cursor) => {
    expect(rejection(cursor, 10).code).toBe(-32602);
  });

  it('rejects a cursor for page 0 (the first page needs no cursor)', () => {
    expect(rejection(encodeCursor(0), 5).code).toBe(-32602);
  });

  it('rejects a cursor past the last page (out of range / expired after the list shrank)', () => {
    expect(decodeCursor(encodeCursor(2), 3)).toBe(2);
    expect(rejection(encodeCursor(3), 3).code).toBe(-32602);
    expect(rejection(encodeCursor(1), 1).code).toBe(-32602);
    expect(rejection(encodeCursor(1), 0).code).toBe(-32602);
  });

  it('says the cursor is invalid in the message', () => {
    expect(rejection('zzz', 3).message).toMatch(/cursor/i);
  });
});
