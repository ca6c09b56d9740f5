import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import {
  CallToolParams,
  CancelledParams,
  CompleteParams,
  GetPromptParams,
  InitializeParams,
  LEVELS,
  ListParams,
  SetLevelParams,
  UriParams,
  parseParams,
} from './params';

/** Runs parseParams and returns the McpError it throws. */
function failure(schema: v.GenericSchema, params: unknown): McpError {
  try {
    parseParams(schema, params);
  } catch (error) {
    expect(error).toBeInstanceOf(McpError);
    return error as McpError;
  }
  throw new Error('parseParams did not throw');
}

type Issues = { issues: { path: string; message: string }[] };

describe('parseParams success', () => {
  it('returns the typed params and keeps unknown members (loose objects, JR-13)', () => {
    const out = parseParams(CallToolParams, { name: 'echo', arguments: { a: 1 }, _meta: { progressToken: 1 }, extra: true });
    expect(out).toEqual({ name: 'echo', arguments: { a: 1 }, _meta: { progressToken: 1 }, extra: true });
  });

  it('accepts absent params for list methods (PAG-01)', () => {
    expect(parseParams(ListParams, undefined)).toBeUndefined();
    expect(parseParams(ListParams, { cursor: 'abc' })).toEqual({ cursor: 'abc' });
  });

  it('accepts a full initialize (LC-01)', () => {
    const p = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1', title: 'C' } };
    expect(parseParams(InitializeParams, p)).toEqual(p);
  });

  it('accepts every log level (LOG-01)', () => {
    expect([...LEVELS]).toEqual(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);
    for (const level of LEVELS) expect(parseParams(SetLevelParams, { level }).level).toBe(level);
  });

  it('accepts both completion ref kinds (CMP-01)', () => {
    expect(parseParams(CompleteParams, { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'a', value: '' } }).ref.type).toBe('ref/prompt');
    expect(
      parseParams(CompleteParams, {
        ref: { type: 'ref/resource', uri: 'file:///{x}' },
        argument: { name: 'x', value: 'y' },
        context: { arguments: { a: 'b' } },
      }).context,
    ).toEqual({ arguments: { a: 'b' } });
  });

  it('accepts string and number request ids in notifications/cancelled (CAN-01)', () => {
    expect(parseParams(CancelledParams, { requestId: 'a' }).requestId).toBe('a');
    expect(parseParams(CancelledParams, { requestId: 3, reason: 'r' })).toEqual({ requestId: 3, reason: 'r' });
  });
});

describe('parseParams errors carry -32602 and JSON Pointer paths (JR-09)', () => {
  it('names a missing top-level member', () => {
    const e = failure(CallToolParams, {});
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toMatch(/^Invalid params: \/name: /);
    expect((e.data as Issues).issues[0]!.path).toBe('/name');
  });

  it('names a nested member with a multi-segment pointer', () => {
    const e = failure(InitializeParams, { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c' } });
    expect(e.code).toBe(-32602);
    expect((e.data as Issues).issues.map((i) => i.path)).toContain('/clientInfo/version');
    expect(e.message).toContain('/clientInfo/version');
  });

  it('names a wrongly typed record value (prompt arguments are strings)', () => {
    const e = failure(GetPromptParams, { name: 'p', arguments: { topic: 5 } });
    expect((e.data as Issues).issues[0]!.path).toBe('/arguments/topic');
  });

  it('escapes "~" and "/" in keys as RFC 6901 requires', () => {
    const e = failure(GetPromptParams, { name: 'p', arguments: { 'a/b~c': 1 } });
    expect((e.data as Issues).issues[0]!.path).toBe('/arguments/a~1b~0c');
  });

  it('uses "/" for a whole-params failure and no pointer prefix in the message', () => {
    const e = failure(UriParams, undefined);
    expect(e.code).toBe(-32602);
    expect((e.data as Issues).issues[0]!.path).toBe('/');
    expect(e.message).toMatch(/^Invalid params: [^/]/);
  });

  it('rejects an invalid log level with -32602 at /level (LOG-01)', () => {
    const e = failure(SetLevelParams, { level: 'verbose' });
    expect(e.code).toBe(-32602);
    expect((e.data as Issues).issues[0]!.path).toBe('/level');
  });

  it('rejects a non-string cursor (PAG-01)', () => {
    const e = failure(ListParams, { cursor: 5 });
    expect((e.data as Issues).issues[0]!.path).toBe('/cursor');
  });

  it('rejects an unknown completion ref type', () => {
    const e = failure(CompleteParams, { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: 'b' } });
    expect(e.code).toBe(-32602);
    expect((e.data as Issues).issues[0]!.path).toBe('/ref/type');
  });

  it('reports at most five issues', () => {
    const schema = v.object({ a: v.string(), b: v.string(), c: v.string(), d: v.string(), e: v.string(), f: v.string(), g: v.string() });
    const e = failure(schema, {});
    expect((e.data as Issues).issues).toHaveLength(5);
  });
});
