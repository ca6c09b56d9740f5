/**
 * The `observe` option: runObserved on its own (what the observer hears, that its failures never reach the request),
 * then through createMcp + handle on the 2026-07-28 path, on a 2025 session, and in the runs of a task.
 */
import { describe, expect, it } from 'vitest';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { inputRequired } from './mrtr';
import { observedRequest, runObserved } from './observe';
import type { Observe, ObservedOutcome, ObservedRequest, RequestObserver } from './observe';
import { MODERN_VERSION, modernPost, openSession, post, sessionHeaders } from '../../test-support/http';
import { testServers } from '../../test-support/servers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const REQ = observedRequest('tools/call', 1, { name: 't', arguments: {}, _meta: { traceparent: '00-abc-def-01' } }, '2026-07-28', undefined, undefined, undefined);

/** An observer that records what it hears, and the observer's own failures. */
function recorder(parts: { run?: boolean; end?: boolean } = { run: true, end: true }) {
  const seen: { request?: ObservedRequest; inRun: boolean[]; outcomes: ObservedOutcome[]; errors: unknown[] } = { inRun: [], outcomes: [], errors: [] };
  let inside = false;
  const observer: RequestObserver = {};
  if (parts.run)
    observer.run = <T>(fn: () => T): T => {
      inside = true;
      try {
        return fn();
      } finally {
        inside = false;
      }
    };
  if (parts.end) observer.end = (o) => seen.outcomes.push(o);
  const observe: Observe = (request) => {
    seen.request = request;
    return observer;
  };
  return { seen, observe, inside: () => inside, onError: (e: unknown) => seen.errors.push(e) };
}

describe('observedRequest', () => {
  it('names the tool, prompt or resource, and keeps _meta as sent', () => {
    expect(REQ).toEqual({ method: 'tools/call', name: 't', id: 1, protocolVersion: '2026-07-28', sessionId: undefined, taskId: undefined, authInfo: undefined, meta: { traceparent: '00-abc-def-01' } });
    expect(Object.isFrozen(REQ)).toBe(true);
    expect(observedRequest('resources/read', 'r', { uri: 'file:///a' }, '2025-11-25', 's1', undefined, { subject: 'u' } as never)).toMatchObject({ name: 'file:///a', sessionId: 's1', authInfo: { subject: 'u' } });
    expect(observedRequest('prompts/get', 2, { name: 'p' }, V25, undefined, 'task-1', undefined)).toMatchObject({ name: 'p', taskId: 'task-1' });
    expect(observedRequest('tools/list', 3, undefined, V25, undefined, undefined, undefined)).toMatchObject({ name: undefined, meta: undefined });
    expect(observedRequest('tools/call', 4, { name: 5, _meta: 'x' }, V25, undefined, undefined, undefined)).toMatchObject({ name: undefined, meta: undefined });
  });
});

const V25 = '2025-11-25';

describe('runObserved', () => {
  it('runs the handler inside the observer’s run and returns its value; end hears a plain result', () => {
    const r = recorder();
    let ranInside: boolean | undefined;
    const out = runObserved(r.observe, REQ, () => ((ranInside = r.inside()), { content: [] }), () => false, r.onError);
    expect(out).toEqual({ content: [] });
    expect(ranInside).toBe(true);
    expect(r.seen.request).toBe(REQ);
    expect(r.seen.outcomes).toEqual([{}]);
    expect(r.seen.errors).toEqual([]);
  });

  it('a promise: end hears it once it settles, with isError, inputRequired or the JSON-RPC error', async () => {
    const cases: [() => Promise<unknown>, ObservedOutcome][] = [
      [async () => ({ content: [], isError: true }), { isError: true }],
      [async () => inputRequired({ state: 1 }), { inputRequired: true }],
    ];
    for (const [invoke, expected] of cases) {
      const r = recorder();
      const p = runObserved(r.observe, REQ, invoke, () => false, r.onError);
      expect(r.seen.outcomes).toEqual([]);
      await p;
      expect(r.seen.outcomes).toEqual([expected]);
    }
    const r = recorder();
    const mcpError = new McpError(ErrorCode.InvalidParams, 'Unknown tool "x"');
    await expect(runObserved(r.observe, REQ, () => Promise.reject(mcpError), () => false, r.onError)).rejects.toBe(mcpError);
    expect(r.seen.outcomes).toEqual([{ error: { code: ErrorCode.InvalidParams, message: 'Unknown tool "x"' }, exception: mcpError }]);
  });

  it('a throw: rethrown unchanged; end hears -32603 "Internal error" for anything but an McpError, and the exception', () => {
    const r = recorder();
    const boom = new Error('db down');
    expect(() =>
      runObserved(r.observe, REQ, () => {
        throw boom;
      }, () => false, r.onError),
    ).toThrow(boom);
    expect(r.seen.outcomes).toEqual([{ error: { code: ErrorCode.InternalError, message: 'Internal error' }, exception: boom }]);
  });

  it('a cancelled request: end hears cancelled', async () => {
    const r = recorder();
    await runObserved(r.observe, REQ, async () => ({ content: [] }), () => true, r.onError);
    expect(r.seen.outcomes).toEqual([{ cancelled: true }]);
  });

  it('an observer without run, or without end, or none at all', async () => {
    const endOnly = recorder({ end: true });
    expect(await runObserved(endOnly.observe, REQ, async () => 1, () => false, endOnly.onError)).toBe(1);
    expect(endOnly.seen.outcomes).toEqual([{}]);
    const runOnly = recorder({ run: true });
    expect(runObserved(runOnly.observe, REQ, () => 2, () => false, runOnly.onError)).toBe(2);
    let runs = 0;
    expect(runObserved(() => undefined, REQ, () => ++runs, () => false, () => {})).toBe(1);
  });

  it('what the observer throws goes to onError and changes nothing: observe, run before or after fn, end', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const invoke = () => ({ n: ++runs });
    const broken: Observe[] = [
      () => {
        throw new Error('observe');
      },
      () => ({
        run: () => {
          throw new Error('run before fn');
        },
      }),
      () => ({
        run: (fn) => {
          fn();
          throw new Error('run after fn');
        },
      }),
      () => ({
        end: () => {
          throw new Error('end');
        },
      }),
      // A run that never calls fn, and one that calls it twice: the handler runs exactly once either way.
      () => ({ run: () => undefined as never }),
      () => ({ run: (fn) => (fn(), fn()) }),
    ];
    for (const observe of broken) expect(await runObserved(observe, REQ, invoke, () => false, (e) => errors.push(e))).toEqual({ n: runs });
    expect(runs).toBe(broken.length);
    expect(errors.map((e) => (e as Error).message)).toEqual(['observe', 'run before fn', 'run after fn', 'end']);
  });
});

describe('observe through createMcp', () => {
  const server = testServers();

  /** A server whose observer records every run and whether the handler ran inside `run`. */
  function observed(extra: Record<string, unknown> = {}) {
    const runs: { request: ObservedRequest; inside: boolean; outcome?: ObservedOutcome }[] = [];
    let current: (typeof runs)[number] | undefined;
    const mcp = server({
      ...extra,
      observe: (request) => {
        const entry: (typeof runs)[number] = { request, inside: false };
        runs.push(entry);
        return {
          run: (fn) => {
            const outer = current;
            current = entry;
            try {
              return fn();
            } finally {
              current = outer;
            }
          },
          end: (outcome) => {
            entry.outcome = outcome;
          },
        };
      },
    });
    mcp.tool('echo', {}, () => {
      if (current !== undefined) current.inside = true;
      return { content: [{ type: 'text', text: 'hi' }] };
    });
    mcp.tool('broken', {}, () => {
      throw new McpError(ErrorCode.InvalidParams, 'no such thing');
    });
    mcp.tool('sad', {}, () => ({ content: [{ type: 'text', text: 'nope' }], isError: true }));
    return { mcp, runs };
  }

  it('2026-07-28: each handler run, with its method, name, id, version and _meta; a protocol error and a tool error', async () => {
    const { mcp, runs } = observed();
    for (const name of ['echo', 'broken', 'sad']) expect((await mcp.handle(modernPost('tools/call', { name, arguments: {} }))).status).toBe(200);
    expect((await mcp.handle(modernPost('tools/list'))).status).toBe(200);
    expect(runs.map((r) => [r.request.method, r.request.name])).toEqual([
      ['tools/call', 'echo'],
      ['tools/call', 'broken'],
      ['tools/call', 'sad'],
      ['tools/list', undefined],
    ]);
    expect(runs[0]!.request).toMatchObject({ id: 7, protocolVersion: MODERN_VERSION, sessionId: undefined, taskId: undefined });
    expect(runs[0]!.request.meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': MODERN_VERSION });
    expect(runs[0]!.inside).toBe(true);
    expect(runs.map((r) => r.outcome)).toEqual([{}, { error: { code: ErrorCode.InvalidParams, message: 'no such thing' }, exception: expect.any(McpError) }, { isError: true }, {}]);
    // server/discover runs no handler: not observed.
    await mcp.handle(modernPost('server/discover'));
    expect(runs).toHaveLength(4);
  });

  it('2025 session: the session id and the negotiated version; the caller from the RequestContext', async () => {
    const { mcp, runs } = observed();
    const s = await openSession(mcp);
    const auth = { subject: 'alice' };
    await mcp.handle(post({ jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'echo', _meta: { traceparent: 'tp' } } }, sessionHeaders(s)), { authInfo: auth } as never);
    await mcp.handle(post({ jsonrpc: '2.0', id: 'c', method: 'ping' }, sessionHeaders(s)));
    expect(runs.map((r) => r.request)).toEqual([
      { method: 'tools/call', name: 'echo', id: 'b', protocolVersion: '2025-11-25', sessionId: s.sid, taskId: undefined, authInfo: auth, meta: { traceparent: 'tp' } },
      { method: 'ping', name: undefined, id: 'c', protocolVersion: '2025-11-25', sessionId: s.sid, taskId: undefined, authInfo: undefined, meta: undefined },
    ]);
    expect(runs.every((r) => r.outcome !== undefined)).toBe(true);
    expect(runs[0]!.inside).toBe(true);
  });

  it('a task: the request that creates it is not a handler run; each run of its handler is, with the task id', async () => {
    const { mcp, runs } = observed({ tasks: { pollIntervalMs: 10 } });
    let asked = 0;
    mcp.tool('job', { task: { support: 'required' } }, async (_a, ctx) => {
      if (++asked === 1) return inputRequired({ requests: { ok: { method: 'elicitation/create', params: { message: 'Go?', requestedSchema: { type: 'object', properties: {} } } } } });
      return { content: [{ type: 'text', text: `done ${String(ctx.taskId)}` }] };
    });
    const created: Json = await (await mcp.handle(modernPost('tools/call', { name: 'job', arguments: {} }, { elicitation: {}, extensions: { 'io.modelcontextprotocol/tasks': {} } }))).json();
    const taskId: string = created.result.taskId;
    expect(typeof taskId).toBe('string');
    for (let i = 0; i < 200 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 200 && runs[0]?.outcome === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.request).toMatchObject({ method: 'tools/call', name: 'job', taskId });
    expect(runs[0]!.outcome).toEqual({ inputRequired: true });
    // The answer resumes the task: a second run, observed the same way.
    const ack = await mcp.handle(modernPost('tasks/update', { taskId, inputResponses: { ok: { action: 'accept', content: {} } } }, { elicitation: {}, extensions: { 'io.modelcontextprotocol/tasks': {} } }));
    expect(ack.status).toBe(200);
    for (let i = 0; i < 200 && runs[1]?.outcome === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(runs).toHaveLength(2);
    expect(runs[1]!.request).toMatchObject({ method: 'tools/call', name: 'job', taskId });
    expect(runs[1]!.outcome).toEqual({});
  });
});
