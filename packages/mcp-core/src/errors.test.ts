import { describe, expect, it } from 'vitest';
import { McpError, isMcpError } from './errors';
import { ErrorCode } from './jsonrpc/codes';

describe('McpError', () => {
  it('carries code, message, data and name', () => {
    const e = new McpError(ErrorCode.InvalidParams, 'Unknown city', { city: 'Atlantis' });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(-32602);
    expect(e.message).toBe('Unknown city');
    expect(e.data).toEqual({ city: 'Atlantis' });
    expect(e.name).toBe('McpError');
  });

  it('leaves data undefined when not given', () => {
    expect(new McpError(-32603, 'x').data).toBeUndefined();
  });

  it('carries the global-registry brand so other copies recognise it', () => {
    const e = new McpError(1, 'm') as unknown as Record<symbol, unknown>;
    expect(e[Symbol.for('x.mcp.McpError')]).toBe(true);
  });
});

describe('isMcpError', () => {
  it('recognises instances', () => {
    expect(isMcpError(new McpError(ErrorCode.ResourceNotFound, 'nf', { uri: 'a://b' }))).toBe(true);
  });

  it('recognises an instance of a subclass', () => {
    class Custom extends McpError {}
    expect(isMcpError(new Custom(1, 'm'))).toBe(true);
  });

  it('recognises a branded look-alike from another copy of the package (Symbol.for brand)', () => {
    const foreign = { [Symbol.for('x.mcp.McpError')]: true, code: -32602, message: 'from elsewhere', name: 'Whatever' };
    expect(isMcpError(foreign)).toBe(true);
  });

  it('recognises a branded look-alike Error subclass defined elsewhere', () => {
    const BRAND = Symbol.for('x.mcp.McpError');
    class OtherCopyMcpError extends Error {
      readonly code = -32001;
      readonly [BRAND] = true;
    }
    expect(isMcpError(new OtherCopyMcpError('timeout'))).toBe(true);
  });

  it('recognises an error named McpError with a numeric code (older copy without the brand)', () => {
    const e = Object.assign(new Error('legacy'), { name: 'McpError', code: -32600 });
    expect(isMcpError(e)).toBe(true);
    expect(isMcpError({ name: 'McpError', code: 0, message: 'plain object' })).toBe(true);
  });

  it('rejects plain errors and errors with a non-numeric code', () => {
    expect(isMcpError(new Error('boom'))).toBe(false);
    expect(isMcpError(new TypeError('boom'))).toBe(false);
    expect(isMcpError(Object.assign(new Error('x'), { code: -32602 }))).toBe(false);
    expect(isMcpError(Object.assign(new Error('x'), { name: 'McpError', code: '-32602' }))).toBe(false);
    expect(isMcpError(Object.assign(new Error('x'), { name: 'McpError' }))).toBe(false);
  });

  it('rejects a brand with a value other than true, or a local (non-registry) symbol', () => {
    expect(isMcpError({ [Symbol.for('x.mcp.McpError')]: 'yes', code: 1 })).toBe(false);
    expect(isMcpError({ [Symbol('x.mcp.McpError')]: true, code: 1 })).toBe(false);
  });

  it('rejects non-objects', () => {
    for (const v of [null, undefined, 'McpError', -32602, true, Symbol.for('x.mcp.McpError')]) expect(isMcpError(v)).toBe(false);
  });
});
