/**
 * Multi round-trip requests (MRTR, checklist §6.4) through createMcp + handle, on the stateless 2026-07-28 path and
 * emulated on 2025 sessions; plus the pure helpers (validAnswer, missingCapability, inputRequired).
 */
import { describe, expect, it, vi } from 'vitest';
import { post } from '../../test-support/http';
import { within } from '../../test-support/timing';
import { testServers } from '../../test-support/servers';
import type { Mcp } from '../mcp';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';
import { InputPending, inputRequired, isInputPending, isInputRequired, missingCapability, missingCapabilityError, validAnswer } from './mrtr';
import type { InputRequest } from './mrtr';
import type { ElicitParams, ElicitResult } from './types';

const V = '2026-07-28';
const PV = 'io.modelcontextprotocol/protocolVersion';
const CAPS = 'io.modelcontextprotocol/clientCapabilities';
const SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const server = testServers();

const ELICIT_CAPS = { elicitation: {} };

/** A well-formed 2026-07-28 request with mirrored headers (HDR-01, HDR-03). */
function modern(method: string, params: Record<string, unknown>, caps: Record<string, unknown> = ELICIT_CAPS, id: number | string = 1, extraMeta: Record<string, unknown> = {}): Request {
  const headers: Record<string, string> = { 'mcp-protocol-version': V, 'mcp-method': method };
  const name = method === 'resources/read' ? params.uri : params.name;
  if (typeof name === 'string') headers['mcp-name'] = name;
  return post({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { [PV]: V, [CAPS]: caps, ...extraMeta } } }, headers);
}

interface RoundOptions {
  caps?: Record<string, unknown>;
  inputResponses?: unknown;
  requestState?: unknown;
  args?: Record<string, unknown>;
  id?: number | string;
  authInfo?: { subject?: string };
}

/** One tools/call round; the JSON body. */
async function callRound(mcp: Mcp, name: string, o: RoundOptions = {}): Promise<{ status: number; body: Json }> {
  const params: Record<string, unknown> = { name };
  if (o.args !== undefined) params.arguments = o.args;
  if (o.inputResponses !== undefined) params.inputResponses = o.inputResponses;
  if (o.requestState !== undefined) params.requestState = o.requestState;
  const res = await mcp.handle(modern('tools/call', params, o.caps, o.id), o.authInfo === undefined ? undefined : { authInfo: o.authInfo });
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, body: await res.json() };
}

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
const form = (message: string): ElicitParams => ({ message, requestedSchema: { type: 'object', properties: { v: { type: 'string' } } } });
const elicitReq = (message: string): InputRequest => ({ method: 'elicitation/create', params: form(message) });
const accept = (v: string): ElicitResult => ({ action: 'accept', content: { v } });

/** Expects an input_required result (MRTR-01, MRTR-02, MRTR-07) and returns it. */
function expectInputRequired(r: { status: number; body: Json }): Json {
  expect(r.status).toBe(200);
  expect(r.body.error).toBeUndefined();
  const result = r.body.result;
  expect(result.resultType).toBe('input_required');
  expect(typeof result.requestState).toBe('string');
  expect('ttlMs' in result).toBe(false);
  expect('cacheScope' in result).toBe(false);
  expect(result._meta?.[SERVER_INFO]).toEqual({ name: 'test', version: '1.0.0' });
  return result;
}

/** Expects a complete tool result and returns its first text. */
function expectComplete(r: { status: number; body: Json }): string {
  expect(r.status).toBe(200);
  expect(r.body.error, JSON.stringify(r.body.error)).toBeUndefined();
  expect(r.body.result.resultType).toBe('complete');
  return r.body.result.content?.[0]?.text;
}

/** A booking tool that asks `confirm` through ctx.elicit with an explicit key. */
function confirmTool(mcp: Mcp, runs: { n: number } = { n: 0 }) {
  mcp.tool('book', {}, async (_a, ctx) => {
    runs.n++;
    const answer = await ctx.elicit(form('Book it?'), { key: 'confirm' });
    return text(`${answer.action}:${String(answer.content?.v)}`);
  });
  return runs;
}

describe('ctx.elicit on the stateless path (MRTR-01, MRTR-02, MRTR-04)', () => {
  it('MRTR-01, MRTR-02: ctx.elicit with a key → input_required with that key and a requestState', async () => {
    const mcp = server();
    confirmTool(mcp);
    const result = expectInputRequired(await callRound(mcp, 'book'));
    expect(result.inputRequests).toEqual({ confirm: { method: 'elicitation/create', params: form('Book it?') } });
  });

  it('MRTR-04: the retry with inputResponses (and the requestState) completes', async () => {
    const mcp = server();
    const runs = confirmTool(mcp);
    const first = expectInputRequired(await callRound(mcp, 'book', { id: 1 }));
    const done = await callRound(mcp, 'book', { id: 2, inputResponses: { confirm: accept('yes') }, requestState: first.requestState });
    expect(done.body.id).toBe(2);
    expect(expectComplete(done)).toBe('accept:yes');
    expect(runs.n).toBe(2);
  });

  it('MRTR-04: a retry with inputResponses but no requestState completes too (the state is optional for a single round)', async () => {
    const mcp = server();
    confirmTool(mcp);
    expect(expectComplete(await callRound(mcp, 'book', { inputResponses: { confirm: { action: 'decline' } } }))).toBe('decline:undefined');
  });

  it('MRTR-02: default keys are the short method name and a counter (elicitation-1, elicitation-2, roots-1, sampling-1)', async () => {
    const mcp = server();
    mcp.tool('many', {}, async (_a, ctx) => {
      await Promise.all([
        ctx.elicit(form('one')),
        ctx.elicit(form('two')),
        ctx.listRoots(),
        ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 }),
      ]);
      return text('all');
    });
    const caps = { elicitation: {}, roots: {}, sampling: {} };
    const result = expectInputRequired(await callRound(mcp, 'many', { caps }));
    expect(Object.keys(result.inputRequests).sort()).toEqual(['elicitation-1', 'elicitation-2', 'roots-1', 'sampling-1']);
    expect(result.inputRequests['roots-1']).toEqual({ method: 'roots/list' });
    expect(result.inputRequests['elicitation-2'].params.message).toBe('two');
    const done = await callRound(mcp, 'many', {
      caps,
      requestState: result.requestState,
      inputResponses: {
        'elicitation-1': accept('1'),
        'elicitation-2': accept('2'),
        'roots-1': { roots: [{ uri: 'file:///w' }] },
        'sampling-1': { role: 'assistant', model: 'm', content: { type: 'text', text: 'ok' } },
      },
    });
    expect(expectComplete(done)).toBe('all');
  });

  it('MRTR-04, MRTR-05: sequential asks over several rounds carry earlier answers in the state; each retry sends only the latest answer', async () => {
    const mcp = server();
    const seen: unknown[] = [];
    mcp.tool('trip', {}, async (_a, ctx) => {
      const from = await ctx.elicit(form('From?'), { key: 'from' });
      const to = await ctx.elicit(form('To?'), { key: 'to' });
      const when = await ctx.elicit(form('When?'), { key: 'when' });
      seen.push(ctx.inputResponses);
      return text(`${from.content?.v}->${to.content?.v}@${when.content?.v}`);
    });
    const r1 = expectInputRequired(await callRound(mcp, 'trip', { id: 1 }));
    expect(Object.keys(r1.inputRequests)).toEqual(['from']);
    const r2 = expectInputRequired(await callRound(mcp, 'trip', { id: 2, inputResponses: { from: accept('PAR') }, requestState: r1.requestState }));
    expect(Object.keys(r2.inputRequests)).toEqual(['to']);
    const r3 = expectInputRequired(await callRound(mcp, 'trip', { id: 3, inputResponses: { to: accept('NYC') }, requestState: r2.requestState }));
    expect(Object.keys(r3.inputRequests)).toEqual(['when']);
    const done = await callRound(mcp, 'trip', { id: 4, inputResponses: { when: accept('May') }, requestState: r3.requestState });
    expect(expectComplete(done)).toBe('PAR->NYC@May');
    expect(seen[0]).toEqual({ from: accept('PAR'), to: accept('NYC'), when: accept('May') });
  });

  it('MRTR-04: without the requestState a retry loses the earlier answers and is asked again', async () => {
    const mcp = server();
    mcp.tool('two', {}, async (_a, ctx) => {
      await ctx.elicit(form('a?'), { key: 'a' });
      await ctx.elicit(form('b?'), { key: 'b' });
      return text('both');
    });
    const r1 = expectInputRequired(await callRound(mcp, 'two'));
    expectInputRequired(await callRound(mcp, 'two', { inputResponses: { a: accept('1') }, requestState: r1.requestState }));
    const lost = expectInputRequired(await callRound(mcp, 'two', { inputResponses: { b: accept('2') } }));
    expect(Object.keys(lost.inputRequests)).toEqual(['a']);
  });

  it('MRTR-06: a missing answer is asked again rather than failing', async () => {
    const mcp = server();
    confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const again = expectInputRequired(await callRound(mcp, 'book', { inputResponses: {}, requestState: r1.requestState }));
    expect(Object.keys(again.inputRequests)).toEqual(['confirm']);
    const wrongKey = expectInputRequired(await callRound(mcp, 'book', { inputResponses: { other: accept('x') }, requestState: r1.requestState }));
    expect(Object.keys(wrongKey.inputRequests)).toEqual(['confirm']);
  });

  it('MRTR-06: a malformed answer is asked again rather than handed to the handler', async () => {
    const mcp = server();
    const runs = confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    for (const bad of [{ action: 'sure' }, { action: 'accept', content: 'not an object' }, 'accept', null, [accept('x')], { content: {} }]) {
      const again = expectInputRequired(await callRound(mcp, 'book', { inputResponses: { confirm: bad }, requestState: r1.requestState }));
      expect(Object.keys(again.inputRequests), JSON.stringify(bad)).toEqual(['confirm']);
    }
    // A good answer after all that still completes.
    expect(expectComplete(await callRound(mcp, 'book', { inputResponses: { confirm: accept('ok') }, requestState: r1.requestState }))).toBe('accept:ok');
    expect(runs.n).toBe(8);
  });

  it('MRTR-06: unknown extra keys in inputResponses are ignored', async () => {
    const mcp = server();
    confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const done = await callRound(mcp, 'book', {
      inputResponses: { confirm: accept('yes'), junk: 42, 'x.y/z': { action: 'accept' } },
      requestState: r1.requestState,
    });
    expect(expectComplete(done)).toBe('accept:yes');
  });

  it('MRTR-04, JR-09: inputResponses that is not an object → -32602 (status 200), the handler never runs', async () => {
    const mcp = server();
    const runs = confirmTool(mcp);
    for (const bad of ['confirm', 42, [accept('x')], null, true]) {
      const r = await callRound(mcp, 'book', { inputResponses: bad });
      expect(r.status, JSON.stringify(bad)).toBe(200);
      expect(r.body.error?.code, JSON.stringify(bad)).toBe(ErrorCode.InvalidParams);
    }
    expect(runs.n).toBe(0);
  });

  it('MRTR-05: a tampered or foreign requestState → -32602 naming the reason', async () => {
    const mcp = server();
    confirmTool(mcp);
    mcp.tool('other', {}, async (_a, ctx) => {
      await ctx.elicit(form('?'), { key: 'confirm' });
      return text('other');
    });
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const state: string = r1.requestState;

    const tampered = state.slice(0, -2) + (state.endsWith('AA') ? 'BA' : 'AA');
    const t = await callRound(mcp, 'book', { inputResponses: { confirm: accept('x') }, requestState: tampered });
    expect(t.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: expect.stringMatching(/signature|malformed/) } });

    const foreign = await callRound(mcp, 'other', { inputResponses: { confirm: accept('x') }, requestState: state });
    expect(foreign.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'binding' } });

    const garbage = await callRound(mcp, 'book', { inputResponses: { confirm: accept('x') }, requestState: 'not-a-state' });
    expect(garbage.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'malformed' } });

    const nonString = await callRound(mcp, 'book', { requestState: { forged: true } });
    expect(nonString.body.error?.code).toBe(ErrorCode.InvalidParams);
  });

  it('MRTR-05: a requestState expires after the requestState.ttlMs option', async () => {
    const mcp = server({ requestState: { ttlMs: 1000 } });
    confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1001);
    const late = await callRound(mcp, 'book', { inputResponses: { confirm: accept('x') }, requestState: r1.requestState });
    expect(late.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'expired' } });
  });

  it('MRTR-05: with a shared requestState.secret another instance accepts the retry; a different secret refuses it', async () => {
    const secret = 'a-shared-deployment-secret-of-32+bytes';
    const a = server({ requestState: { secret } });
    const b = server({ requestState: { secret } });
    const c = server({ requestState: { secret: `${secret}-other` } });
    for (const m of [a, b, c]) confirmTool(m);
    const r1 = expectInputRequired(await callRound(a, 'book'));
    const retry = { inputResponses: { confirm: accept('b') }, requestState: r1.requestState };
    expect(expectComplete(await callRound(b, 'book', retry))).toBe('accept:b');
    expect((await callRound(c, 'book', retry)).body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'signature' } });
  });

  it('MRTR-05: by default a retry can be sent again with the same requestState and is served again', async () => {
    const mcp = server();
    const runs = confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const retry = { inputResponses: { confirm: accept('again') }, requestState: r1.requestState };
    expect(expectComplete(await callRound(mcp, 'book', retry))).toBe('accept:again');
    expect(expectComplete(await callRound(mcp, 'book', retry))).toBe('accept:again');
    expect(runs.n).toBe(3);
  });

  it('MRTR-05: requestState.singleUse: true opens each state once; the replayed retry is -32602 "used" and the handler does not run', async () => {
    const mcp = server({ requestState: { singleUse: true } });
    const runs = confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const retry = { inputResponses: { confirm: accept('once') }, requestState: r1.requestState };
    expect(expectComplete(await callRound(mcp, 'book', retry))).toBe('accept:once');
    const replay = await callRound(mcp, 'book', retry);
    expect(replay.status).toBe(200);
    expect(replay.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'used' } });
    expect(replay.body.error.message).toMatch(/already used/);
    expect(runs.n).toBe(2);
    // A fresh first call still works: only that state was used up.
    expectInputRequired(await callRound(mcp, 'book'));
  });

  it('MRTR-05: a singleUse function shared by two instances refuses the replay at the other instance', async () => {
    const secret = 'a-shared-deployment-secret-of-32+bytes';
    const seen = new Map<string, number>();
    const singleUse = async (id: string, expiresAt: number) => {
      if (seen.has(id)) return false;
      seen.set(id, expiresAt);
      return true;
    };
    const a = server({ requestState: { secret, singleUse } });
    const b = server({ requestState: { secret, singleUse } });
    for (const m of [a, b]) confirmTool(m);
    const before = Date.now();
    const r1 = expectInputRequired(await callRound(a, 'book'));
    const retry = { inputResponses: { confirm: accept('a') }, requestState: r1.requestState };
    expect(expectComplete(await callRound(a, 'book', retry))).toBe('accept:a');
    expect((await callRound(b, 'book', retry)).body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'used' } });
    // The guard saw one id, with the state's expiry (10 minutes by default).
    expect(seen.size).toBe(1);
    const [id, exp] = [...seen][0]!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(exp).toBeGreaterThanOrEqual(before + 600_000);
  });

  it('MRTR-05: a singleUse store that fails rejects the retry (fail closed) and reports the failure', async () => {
    const errors: unknown[] = [];
    const mcp = server({
      onError: (e) => errors.push(e),
      requestState: {
        singleUse: () => {
          throw new Error('replay store unreachable');
        },
      },
    });
    const runs = confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book'));
    const r2 = await callRound(mcp, 'book', { inputResponses: { confirm: accept('x') }, requestState: r1.requestState });
    expect(r2.body.error).toMatchObject({ code: ErrorCode.InternalError });
    expect(runs.n).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('MRTR-05, SEC-03: a requestState is bound to the principal (authInfo.subject)', async () => {
    const mcp = server();
    confirmTool(mcp);
    const r1 = expectInputRequired(await callRound(mcp, 'book', { authInfo: { subject: 'alice' } }));
    const bob = await callRound(mcp, 'book', { authInfo: { subject: 'bob' }, inputResponses: { confirm: accept('x') }, requestState: r1.requestState });
    expect(bob.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'binding' } });
    const anon = await callRound(mcp, 'book', { inputResponses: { confirm: accept('x') }, requestState: r1.requestState });
    expect(anon.body.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'binding' } });
    const alice = await callRound(mcp, 'book', { authInfo: { subject: 'alice' }, inputResponses: { confirm: accept('x') }, requestState: r1.requestState });
    expect(expectComplete(alice)).toBe('accept:x');
  });

  it('MRTR-03, M-04: ctx.elicit without the elicitation capability → -32021 (400) naming it', async () => {
    const mcp = server();
    confirmTool(mcp);
    const r = await callRound(mcp, 'book', { caps: {} });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { elicitation: { form: {} } } } });
  });

  it('MRTR-03: URL-mode elicitation needs elicitation.url; `elicitation: {}` means form only', async () => {
    const mcp = server();
    mcp.tool('url', {}, async (_a, ctx) => {
      await ctx.elicit({ mode: 'url', message: 'Sign in', url: 'https://example.com/x', elicitationId: 'e1' }, { key: 'u' });
      return text('signed');
    });
    const r = await callRound(mcp, 'url', { caps: { elicitation: {} } });
    expect(r.status).toBe(400);
    expect(r.body.error.data).toEqual({ requiredCapabilities: { elicitation: { url: {} } } });
    const ok = expectInputRequired(await callRound(mcp, 'url', { caps: { elicitation: { url: {} } } }));
    expect(ok.inputRequests.u.params.mode).toBe('url');
  });

  it('TRAP-26: a handler that swallows the pending signal still gets its question asked (MRTR-06)', async () => {
    const mcp = server();
    mcp.tool('swallow', {}, async (_a, ctx) => {
      try {
        await ctx.elicit(form('?'), { key: 'k' });
      } catch (e) {
        expect(isInputPending(e)).toBe(true);
      }
      return text('pretended to finish');
    });
    const result = expectInputRequired(await callRound(mcp, 'swallow'));
    expect(Object.keys(result.inputRequests)).toEqual(['k']);
  });

  it('MRTR-07: after progress went out, the input_required result is the last SSE event', async () => {
    const mcp = server();
    mcp.tool('p', {}, async (_a, ctx) => {
      ctx.progress(1);
      await ctx.elicit(form('?'), { key: 'k' });
      return text('x');
    });
    const res = await mcp.handle(modern('tools/call', { name: 'p' }, ELICIT_CAPS, 1, { progressToken: 'tok' }));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const raw = await within(res.text());
    const messages = raw
      .split('\n\n')
      .map((f) => f.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n'))
      .filter((d) => d !== '')
      .map((d) => JSON.parse(d));
    expect(messages.map((m) => m.method ?? m.result?.resultType)).toEqual(['notifications/progress', 'input_required']);
    expect('ttlMs' in messages[1].result).toBe(false);
  });
});

describe('explicit inputRequired({ requests, state }) (MRTR-02, MRTR-04, MRTR-05)', () => {
  it('MRTR-04, MRTR-05: round trip with ctx.requestState and ctx.inputResponses', async () => {
    const mcp = server();
    const seen: Array<{ state: unknown; answers: unknown }> = [];
    mcp.tool('order', {}, (_a, ctx) => {
      seen.push({ state: ctx.requestState, answers: ctx.inputResponses });
      const size = ctx.inputResponses?.size as ElicitResult | undefined;
      if (size === undefined) return inputRequired({ requests: { size: elicitReq('Size?') }, state: { step: 1, cart: ['tea'] } });
      return text(`${(ctx.requestState as { cart: string[] }).cart.join(',')}:${size.content?.v}`);
    });
    const r1 = expectInputRequired(await callRound(mcp, 'order'));
    expect(r1.inputRequests).toEqual({ size: elicitReq('Size?') });
    const done = await callRound(mcp, 'order', { inputResponses: { size: accept('L') }, requestState: r1.requestState });
    expect(expectComplete(done)).toBe('tea:L');
    expect(seen).toEqual([
      { state: undefined, answers: undefined },
      { state: { step: 1, cart: ['tea'] }, answers: { size: accept('L') } },
    ]);
  });

  it('MRTR-02: inputRequired({ state }) alone gives a requestState and no inputRequests; the retry with only the state continues', async () => {
    const mcp = server();
    mcp.tool('steps', {}, (_a, ctx) => {
      const step = (ctx.requestState as { step?: number } | undefined)?.step ?? 0;
      if (step < 2) return inputRequired({ state: { step: step + 1 } });
      return text(`step ${step}`);
    });
    const r1 = expectInputRequired(await callRound(mcp, 'steps'));
    expect('inputRequests' in r1).toBe(false);
    const r2 = expectInputRequired(await callRound(mcp, 'steps', { requestState: r1.requestState }));
    expect(expectComplete(await callRound(mcp, 'steps', { requestState: r2.requestState }))).toBe('step 2');
  });

  it('MRTR-04: explicit multi-round asks carry earlier answers in the state (retry sends only the latest)', async () => {
    const mcp = server();
    mcp.tool('two', {}, (_a, ctx) => {
      const r = ctx.inputResponses ?? {};
      if (r.a === undefined) return inputRequired({ requests: { a: elicitReq('a?') } });
      if (r.b === undefined) return inputRequired({ requests: { b: elicitReq('b?') } });
      return text(`${(r.a as ElicitResult).content?.v}${(r.b as ElicitResult).content?.v}`);
    });
    const r1 = expectInputRequired(await callRound(mcp, 'two'));
    const r2 = expectInputRequired(await callRound(mcp, 'two', { inputResponses: { a: accept('1') }, requestState: r1.requestState }));
    expect(Object.keys(r2.inputRequests)).toEqual(['b']);
    expect(expectComplete(await callRound(mcp, 'two', { inputResponses: { b: accept('2') }, requestState: r2.requestState }))).toBe('12');
  });

  it('MRTR-03, M-04: inputRequired with a request kind the client did not declare → -32021 (400)', async () => {
    const mcp = server();
    mcp.tool('roots', {}, (_a, ctx) =>
      ctx.inputResponses?.r === undefined ? inputRequired({ requests: { r: { method: 'roots/list' } } }) : text('got roots'),
    );
    mcp.tool('sample', {}, () => inputRequired({ requests: { s: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } } } }));
    const noRoots = await callRound(mcp, 'roots', { caps: { elicitation: {} } });
    expect(noRoots.status).toBe(400);
    expect(noRoots.body.error).toMatchObject({ code: ErrorCode.MissingRequiredClientCapability, data: { requiredCapabilities: { roots: {} } } });
    const noSampling = await callRound(mcp, 'sample', { caps: { roots: {} } });
    expect(noSampling.status).toBe(400);
    expect(noSampling.body.error.data).toEqual({ requiredCapabilities: { sampling: {} } });
    // Declared: asked.
    const ok = expectInputRequired(await callRound(mcp, 'roots', { caps: { roots: {} } }));
    expect(ok.inputRequests).toEqual({ r: { method: 'roots/list' } });
  });

  it('MRTR-02: inputRequired() with nothing to ask and no state throws TypeError', () => {
    expect(() => inputRequired({})).toThrow(TypeError);
    expect(() => inputRequired({ requests: {} })).toThrow(/MRTR-02/);
    expect(() => (inputRequired as unknown as () => unknown)()).toThrow(TypeError);
    // Either one alone is enough.
    expect(isInputRequired(inputRequired({ state: 0 }))).toBe(true);
    expect(isInputRequired(inputRequired({ requests: { k: { method: 'roots/list' } } }))).toBe(true);
    expect(isInputRequired({ requests: {}, state: 1 })).toBe(false);
    expect(isInputRequired(null)).toBe(false);
  });

  it('MRTR-02: explicit requests and ctx asks of the same run merge into one input_required', async () => {
    const mcp = server();
    mcp.tool('mixed', {}, async (_a, ctx) => {
      try {
        await ctx.elicit(form('implicit'), { key: 'i' });
      } catch {
        return inputRequired({ requests: { e: elicitReq('explicit') }, state: 's' });
      }
      return text('x');
    });
    const r = expectInputRequired(await callRound(mcp, 'mixed'));
    expect(Object.keys(r.inputRequests).sort()).toEqual(['e', 'i']);
  });
});

describe('resources/read and prompts/get (MRTR-01)', () => {
  it('MRTR-01: a resources/read handler may return inputRequired; the retry (bound to the URI) completes', async () => {
    const mcp = server();
    mcp.resource('secret', 'file:///secret', {}, (uri, ctx) => {
      const ok = ctx.inputResponses?.ok as ElicitResult | undefined;
      if (ok?.action !== 'accept') return inputRequired({ requests: { ok: elicitReq('Reveal?') }, state: 'r' });
      return { contents: [{ uri, text: `revealed ${String(ctx.requestState)}` }] };
    });
    const read = async (params: Record<string, unknown>) => {
      const res = await mcp.handle(modern('resources/read', { uri: 'file:///secret', ...params }));
      return { status: res.status, body: await res.json() };
    };
    const r1 = expectInputRequired(await read({}));
    expect(r1.inputRequests.ok.method).toBe('elicitation/create');
    const done = await read({ inputResponses: { ok: accept('') }, requestState: r1.requestState });
    expect(done.body.result).toMatchObject({ resultType: 'complete', contents: [{ uri: 'file:///secret', text: 'revealed r' }], ttlMs: 0, cacheScope: 'private' });
  });

  it('MRTR-01: a resource template handler may ask through ctx.elicit', async () => {
    const mcp = server();
    mcp.resourceTemplate('doc', 'file:///doc/{id}', {}, async (uri, vars, ctx) => {
      const a = await ctx.elicit(form(`Open ${String(vars.id)}?`), { key: 'open' });
      return { contents: [{ uri, text: a.action }] };
    });
    const r1 = await mcp.handle(modern('resources/read', { uri: 'file:///doc/7' }));
    const ir = expectInputRequired({ status: r1.status, body: await r1.json() });
    expect(ir.inputRequests.open.params.message).toBe('Open 7?');
    // The state is bound to the URI: it does not open file:///doc/8.
    const other = await (await mcp.handle(modern('resources/read', { uri: 'file:///doc/8', inputResponses: { open: accept('') }, requestState: ir.requestState }))).json();
    expect(other.error).toMatchObject({ code: ErrorCode.InvalidParams, data: { reason: 'binding' } });
    const done = await (await mcp.handle(modern('resources/read', { uri: 'file:///doc/7', inputResponses: { open: accept('') }, requestState: ir.requestState }))).json();
    expect(done.result.contents).toEqual([{ uri: 'file:///doc/7', text: 'accept' }]);
  });

  it('MRTR-01: a prompts/get handler may return inputRequired; the retry completes with the answer', async () => {
    const mcp = server();
    mcp.prompt('greet', { arguments: [{ name: 'lang', required: true }] }, (args, ctx) => {
      const who = ctx.inputResponses?.who as ElicitResult | undefined;
      if (who === undefined) return inputRequired({ requests: { who: elicitReq('Name?') } });
      return { messages: [{ role: 'user', content: { type: 'text', text: `${args.lang}: hi ${String(who.content?.v)}` } }] };
    });
    const get = async (params: Record<string, unknown>) => {
      const res = await mcp.handle(modern('prompts/get', { name: 'greet', arguments: { lang: 'en' }, ...params }));
      return { status: res.status, body: await res.json() };
    };
    const r1 = expectInputRequired(await get({}));
    const done = await get({ inputResponses: { who: accept('Ann') }, requestState: r1.requestState });
    expect(done.body.result).toMatchObject({ resultType: 'complete', messages: [{ role: 'user', content: { type: 'text', text: 'en: hi Ann' } }] });
    expect('ttlMs' in done.body.result).toBe(false);
  });
});

describe('never input_required outside MRTR-01 methods (MRTR-01, TRAP-26)', () => {
  it('TRAP-26: tools/list ignores inputResponses/requestState and answers a complete page', async () => {
    const mcp = server();
    confirmTool(mcp);
    const res = await mcp.handle(modern('tools/list', { inputResponses: 'junk', requestState: 'junk' }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.result.resultType).toBe('complete');
    expect(body.result.tools.map((t: { name: string }) => t.name)).toEqual(['book']);
  });

  it('TRAP-26: a resources/list callback that asks through ctx.elicit gets an error, never input_required', async () => {
    const errors: unknown[] = [];
    const mcp = server({ onError: (e) => errors.push(e) });
    mcp.resourceTemplate('t', 'file:///t/{x}', { list: async (ctx) => (await ctx.elicit(form('?')), []) }, (uri) => ({ contents: [{ uri, text: '' }] }));
    const res = await mcp.handle(modern('resources/list', {}));
    const body = await res.json();
    expect(body.result).toBeUndefined();
    expect(body.error).toBeDefined();
  });
});

describe('the same handler on a 2025 session (emulation, S2C-02)', () => {
  interface Session {
    sid: string;
    version: string;
  }
  const headersOf = (s: Session) => ({ 'mcp-session-id': s.sid, 'mcp-protocol-version': s.version });

  async function open(mcp: Mcp, capabilities: Record<string, unknown>, version = '2025-06-18'): Promise<Session> {
    const res = await mcp.handle(post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: version, capabilities, clientInfo: { name: 'c', version: '1' } } }));
    expect(res.status).toBe(200);
    const sid = res.headers.get('mcp-session-id')!;
    expect((await mcp.handle(post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid, 'mcp-protocol-version': version }))).status).toBe(202);
    return { sid, version };
  }

  /**
   * Runs one call on the session, answering every server-to-client request on its SSE stream by POSTing a JSON-RPC
   * response (S2C-02). Returns the final response and the requests seen. Bounded by `within`.
   */
  async function drive(mcp: Mcp, s: Session, request: Json, answer: (req: Json) => unknown): Promise<{ final: Json; asked: Json[] }> {
    const res = await mcp.handle(post(request, headersOf(s)));
    if (res.headers.get('content-type') === 'application/json') return { final: await res.json(), asked: [] };
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const asked: Json[] = [];
    let buf = '';
    const run = async (): Promise<Json> => {
      for (;;) {
        let at: number;
        while ((at = buf.indexOf('\n\n')) !== -1) {
          const frame = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const data = frame
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data === '') continue;
          const msg = JSON.parse(data);
          if (msg.id === request.id && msg.method === undefined) return msg;
          if (msg.method !== undefined && msg.id !== undefined) {
            asked.push(msg);
            const ack = await mcp.handle(post({ jsonrpc: '2.0', id: msg.id, result: answer(msg) }, headersOf(s)));
            expect(ack.status).toBe(202);
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended without the final response');
        buf += decoder.decode(value, { stream: true });
      }
    };
    try {
      return { final: await within(run(), 3000, 'emulated call'), asked };
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  const toolCall = (id: number, name: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });

  it('S2C-02: a ctx.elicit handler completes on a 2025 session: elicitation/create goes out, the POSTed answer comes back', async () => {
    const mcp = server();
    confirmTool(mcp);
    const s = await open(mcp, { elicitation: {} });
    const { final, asked } = await drive(mcp, s, toolCall(5, 'book'), () => accept('yes'));
    expect(asked.map((r) => r.method)).toEqual(['elicitation/create']);
    expect(asked[0].params).toEqual(form('Book it?'));
    expect(final).toEqual({ jsonrpc: '2.0', id: 5, result: text('accept:yes') });
    expect(mcp.stats().pendingClientRequests).toBe(0);
  });

  it('DUAL-07: an explicit inputRequired handler is emulated on a 2025 session: asked as elicitation/create, re-run with the answer and the state', async () => {
    const mcp = server();
    const seen: Array<{ state: unknown; answers: unknown }> = [];
    mcp.tool('order', {}, (_a, ctx) => {
      seen.push({ state: ctx.requestState, answers: ctx.inputResponses });
      const size = ctx.inputResponses?.size as ElicitResult | undefined;
      if (size === undefined) return inputRequired({ requests: { size: elicitReq('Size?') }, state: { step: 1 } });
      return text(`size ${String(size.content?.v)}`);
    });
    const s = await open(mcp, { elicitation: {} });
    const { final, asked } = await drive(mcp, s, toolCall(6, 'order'), () => accept('M'));
    expect(asked).toHaveLength(1);
    expect(asked[0].params.message).toBe('Size?');
    expect(final.result).toEqual(text('size M'));
    expect(final.result.resultType).toBeUndefined(); // DUAL-07: legacy shape
    expect(seen).toEqual([
      { state: undefined, answers: undefined },
      { state: { step: 1 }, answers: { size: accept('M') } },
    ]);
  });

  it('DUAL-07: emulation asks every request of one round (elicitation + roots) and the handler completes', async () => {
    const mcp = server();
    mcp.tool('both', {}, (_a, ctx) => {
      const r = ctx.inputResponses;
      if (r === undefined) return inputRequired({ requests: { e: elicitReq('?'), r: { method: 'roots/list' } } });
      return text(`${(r.e as ElicitResult).action} ${(r.r as { roots: unknown[] }).roots.length}`);
    });
    const s = await open(mcp, { elicitation: {}, roots: {} });
    const { final, asked } = await drive(mcp, s, toolCall(7, 'both'), (req) => (req.method === 'roots/list' ? { roots: [{ uri: 'file:///a' }] } : { action: 'decline' }));
    expect(asked.map((r) => r.method).sort()).toEqual(['elicitation/create', 'roots/list']);
    expect(final.result).toEqual(text('decline 1'));
  });

  it('S2C-01: emulation never asks what the 2025 client did not declare: the call fails instead', async () => {
    const mcp = server();
    mcp.tool('roots', {}, (_a, ctx) => (ctx.inputResponses === undefined ? inputRequired({ requests: { r: { method: 'roots/list' } } }) : text('x')));
    const s = await open(mcp, {});
    const { final, asked } = await drive(mcp, s, toolCall(8, 'roots'), () => ({ roots: [] }));
    expect(asked).toEqual([]);
    expect(final.error).toBeDefined();
  });

  it('a handler that never stops asking: 16 runs, 15 rounds of questions, then -32603 naming the limit (no question left unanswered)', async () => {
    const mcp = server();
    let runs = 0;
    mcp.tool('forever', {}, () => {
      runs++;
      return inputRequired({ requests: { [`q${runs}`]: elicitReq(`again ${runs}?`) } });
    });
    const s = await open(mcp, { elicitation: {} });
    const { final, asked } = await drive(mcp, s, toolCall(10, 'forever'), () => accept('x'));
    expect(runs).toBe(16);
    expect(asked).toHaveLength(15);
    expect(final.error).toMatchObject({ code: ErrorCode.InternalError, message: expect.stringMatching(/after 16 rounds/) });
    expect(mcp.stats().pendingClientRequests).toBe(0);
  });

  it('a handler that answers at once on a session is answered as JSON, and a throwing one as a tool error', async () => {
    const mcp = server();
    mcp.tool('quick', {}, () => text('at once'));
    mcp.tool('boom', {}, () => {
      throw new Error('broke');
    });
    const s = await open(mcp, {});
    const quick = await mcp.handle(post(toolCall(11, 'quick'), headersOf(s)));
    expect(quick.headers.get('content-type')).toBe('application/json');
    expect((await quick.json()).result).toEqual(text('at once'));
    const boom = await (await mcp.handle(post(toolCall(12, 'boom'), headersOf(s)))).json();
    expect(boom.result).toEqual({ content: [{ type: 'text', text: 'broke' }], isError: true });
  });

  it('DUAL-07, MRTR-04: explicit multi-round asks also complete on a 2025 session (earlier answers are kept)', async () => {
    const mcp = server();
    mcp.tool('two', {}, (_a, ctx) => {
      const r = ctx.inputResponses ?? {};
      if (r.a === undefined) return inputRequired({ requests: { a: elicitReq('a?') } });
      if (r.b === undefined) return inputRequired({ requests: { b: elicitReq('b?') } });
      return text('both');
    });
    const s = await open(mcp, { elicitation: {} });
    const { final, asked } = await drive(mcp, s, toolCall(9, 'two'), () => accept('x'));
    expect(final.result).toEqual(text('both'));
    expect(asked).toHaveLength(2);
  });
});

describe('validAnswer (MRTR-06)', () => {
  it('MRTR-06: elicitation answers need a known action and an object content when present', () => {
    for (const action of ['accept', 'decline', 'cancel']) expect(validAnswer('elicitation/create', { action })).toBe(true);
    expect(validAnswer('elicitation/create', { action: 'accept', content: { a: 1 } })).toBe(true);
    expect(validAnswer('elicitation/create', { action: 'accept', content: [1] })).toBe(false);
    expect(validAnswer('elicitation/create', { action: 'accept', content: null })).toBe(false);
    expect(validAnswer('elicitation/create', { action: 'ACCEPT' })).toBe(false);
    expect(validAnswer('elicitation/create', {})).toBe(false);
    for (const v of [null, undefined, 'accept', 1, [{ action: 'accept' }]]) expect(validAnswer('elicitation/create', v)).toBe(false);
  });

  it('MRTR-06: sampling answers need a role, a string model and object or array content', () => {
    expect(validAnswer('sampling/createMessage', { role: 'assistant', model: 'm', content: { type: 'text', text: 'x' } })).toBe(true);
    expect(validAnswer('sampling/createMessage', { role: 'user', model: 'm', content: [{ type: 'text', text: 'x' }] })).toBe(true);
    expect(validAnswer('sampling/createMessage', { role: 'system', model: 'm', content: {} })).toBe(false);
    expect(validAnswer('sampling/createMessage', { role: 'assistant', content: {} })).toBe(false);
    expect(validAnswer('sampling/createMessage', { role: 'assistant', model: 1, content: {} })).toBe(false);
    expect(validAnswer('sampling/createMessage', { role: 'assistant', model: 'm', content: 'text' })).toBe(false);
    expect(validAnswer('sampling/createMessage', null)).toBe(false);
  });

  it('MRTR-06: roots answers need an array of objects with string uris', () => {
    expect(validAnswer('roots/list', { roots: [] })).toBe(true);
    expect(validAnswer('roots/list', { roots: [{ uri: 'file:///a', name: 'a' }] })).toBe(true);
    expect(validAnswer('roots/list', { roots: [{ name: 'a' }] })).toBe(false);
    expect(validAnswer('roots/list', { roots: ['file:///a'] })).toBe(false);
    expect(validAnswer('roots/list', { roots: 'file:///a' })).toBe(false);
    expect(validAnswer('roots/list', {})).toBe(false);
    expect(validAnswer('roots/list', [])).toBe(false);
  });
});

describe('missingCapability / missingCapabilityError (MRTR-03, M-04)', () => {
  const formReq: InputRequest = { method: 'elicitation/create', params: form('?') };
  const urlReq: InputRequest = { method: 'elicitation/create', params: { mode: 'url', message: 'm', url: 'https://x', elicitationId: 'e' } };
  const sampleReq: InputRequest = { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } };
  const toolsReq: InputRequest = { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1, tools: [{}] } };
  const rootsReq: InputRequest = { method: 'roots/list' };

  it('MRTR-03: form elicitation: `{}` and `{form}` are enough; url-only or none are not', () => {
    expect(missingCapability(formReq, { elicitation: {} })).toBeUndefined();
    expect(missingCapability(formReq, { elicitation: { form: {} } })).toBeUndefined();
    expect(missingCapability(formReq, { elicitation: { form: {}, url: {} } })).toBeUndefined();
    expect(missingCapability(formReq, { elicitation: { url: {} } })).toEqual({ elicitation: { form: {} } });
    expect(missingCapability(formReq, {})).toEqual({ elicitation: { form: {} } });
    expect(missingCapability(formReq, { elicitation: true })).toEqual({ elicitation: { form: {} } });
  });

  it('MRTR-03: URL elicitation needs elicitation.url', () => {
    expect(missingCapability(urlReq, { elicitation: { url: {} } })).toBeUndefined();
    expect(missingCapability(urlReq, { elicitation: {} })).toEqual({ elicitation: { url: {} } });
    expect(missingCapability(urlReq, { elicitation: { form: {} } })).toEqual({ elicitation: { url: {} } });
    expect(missingCapability(urlReq, {})).toEqual({ elicitation: { url: {} } });
  });

  it('MRTR-03: sampling, and sampling with tools needs sampling.tools', () => {
    expect(missingCapability(sampleReq, { sampling: {} })).toBeUndefined();
    expect(missingCapability(sampleReq, {})).toEqual({ sampling: {} });
    expect(missingCapability(toolsReq, { sampling: {} })).toEqual({ sampling: { tools: {} } });
    expect(missingCapability(toolsReq, {})).toEqual({ sampling: { tools: {} } });
    expect(missingCapability(toolsReq, { sampling: { tools: {} } })).toBeUndefined();
  });

  it('MRTR-03: roots', () => {
    expect(missingCapability(rootsReq, { roots: {} })).toBeUndefined();
    expect(missingCapability(rootsReq, { roots: { listChanged: true } })).toBeUndefined();
    expect(missingCapability(rootsReq, {})).toEqual({ roots: {} });
    expect(missingCapability(rootsReq, { elicitation: {}, sampling: {} })).toEqual({ roots: {} });
  });

  it('ERR-04: missingCapabilityError is -32021 with data.requiredCapabilities', () => {
    const e = missingCapabilityError(sampleReq, { sampling: {} });
    expect(e).toBeInstanceOf(McpError);
    expect(e.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect(e.code).toBe(-32021);
    expect(e.data).toEqual({ requiredCapabilities: { sampling: {} } });
    expect(e.message).toContain('sampling');
  });

  it('InputPending is recognised by isInputPending only', () => {
    expect(isInputPending(new InputPending())).toBe(true);
    expect(isInputPending(new Error('Waiting for the client to answer an input request'))).toBe(false);
    expect(isInputPending(undefined)).toBe(false);
  });
});
