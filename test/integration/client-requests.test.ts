/**
 * Server-to-client requests over real sockets with the official SDK client (checklist §9 S2C-01, S2C-02, LC-08):
 * elicitation (form, SEP-1034 defaults, SEP-1330 enums), sampling, roots, missing capabilities, client errors and
 * server-side timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ClientCapabilities, ElicitRequest } from '@modelcontextprotocol/sdk/types.js';
import { createMcp } from '@x/mcp-core';
import { connect, expectIdle, startEverything, startServer, waitFor, within } from './harness.ts';
import type { Connected, Served } from './harness.ts';

const violations: string[] = [];
const serverErrors: unknown[] = [];
let s: Served;

beforeAll(async () => {
  s = await startEverything({}, serverErrors);
});
afterAll(async () => {
  await s?.close();
});

const errorOf = (p: Promise<unknown>): Promise<McpError> =>
  p.then(
    () => {
      throw new Error('expected a JSON-RPC error');
    },
    (e: unknown) => {
      if (!(e instanceof McpError)) throw e;
      return e;
    },
  );

const text = (r: unknown) => ((r as { content: { type: string; text: string }[] }).content).map((c) => c.text).join('');

/** The capabilities a full client declares on each revision (form elicitation is `elicitation: {}` before 25-11). */
const fullCapabilities = (version: string): ClientCapabilities =>
  version >= '2025-11-25' ? { elicitation: { form: {} }, sampling: {}, roots: {} } : { elicitation: {}, sampling: {}, roots: {} };

describe.each(['2025-11-25', '2025-06-18'])('elicitation round trips, %s', (version) => {
  let c: Connected;
  const requests: ElicitRequest['params'][] = [];
  let answer: (params: any) => any = () => ({ action: 'cancel' });
  beforeAll(async () => {
    c = await connect(s.url, {
      version,
      violations,
      capabilities: fullCapabilities(version),
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, (req) => {
          requests.push(req.params);
          return answer(req.params);
        }),
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('test_elicitation: accept + content is echoed by the tool (S2C-02)', async () => {
    requests.length = 0;
    answer = () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } });
    const r = await c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    expect(text(r)).toBe('User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      message: 'Who are you?',
      requestedSchema: { type: 'object', required: ['username', 'email'] },
    });
    // The request rode the tool call's own SSE stream; the answer was POSTed back and accepted with 202.
    const asked = c.wire.received.filter((m) => m.message.method === 'elicitation/create');
    expect(asked.map((m) => m.via)).toEqual(['POST']);
    // The tool's result can overtake the 202 of the client's reply: wait for that exchange.
    const reply = await waitFor(() => c.wire.exchanges.find((e) => e.body?.id === asked[0]!.message.id && 'result' in e.body), 'the reply POST');
    expect(reply.status).toBe(202);
    expect(s.mcp.stats().pendingClientRequests).toBe(0);
  });

  it('test_elicitation: decline is echoed with empty content', async () => {
    answer = () => ({ action: 'decline' });
    const r = await c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Again?' } });
    expect(text(r)).toBe('User response: action=decline, content={}');
  });

  it('SEP-1034: defaults reach the client, and the accepted defaults come back', async () => {
    requests.length = 0;
    answer = (params) => {
      const props = params.requestedSchema.properties as Record<string, { default: unknown }>;
      return { action: 'accept', content: Object.fromEntries(Object.entries(props).map(([k, p]) => [k, p.default])) };
    };
    const r = await c.client.callTool({ name: 'test_elicitation_sep1034_defaults' });
    expect((requests[0] as any).requestedSchema).toMatchObject({
      properties: {
        name: { type: 'string', default: 'John Doe' },
        age: { type: 'integer', default: 30 },
        score: { type: 'number', default: 95.5 },
        status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
        verified: { type: 'boolean', default: true },
      },
    });
    expect(text(r)).toBe(
      'Elicitation completed: action=accept, content={"name":"John Doe","age":30,"score":95.5,"status":"active","verified":true}',
    );
  });

  it('a client error answer fails the call with that JSON-RPC error', async () => {
    answer = () => {
      throw new McpError(-32000, 'the user closed the dialog');
    };
    const e = await errorOf(c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Hm?' } }));
    expect(e.code).toBe(-32000);
    expect(e.message).toContain('the user closed the dialog');
    expect(s.mcp.stats().pendingClientRequests).toBe(0);
    // The session goes on.
    answer = () => ({ action: 'cancel' });
    expect(text(await c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Ok?' } }))).toBe('User response: action=cancel, content={}');
  });
});

// SEP-1330 (titled / multi-select enums) is 2025-11-25 only: the 2025-06-18 ElicitRequest schema allows only
// primitive fields, so older sessions get the plain enums (the schema recorder checks the request on the wire).
describe('elicitation SEP-1330 enums on 2025-06-18 sends only primitive enum fields', () => {
  it('untitledSingle and legacyEnum only, and the request is valid for 2025-06-18', async () => {
    const requests: ElicitRequest['params'][] = [];
    const c = await connect(s.url, {
      version: '2025-06-18',
      violations,
      capabilities: fullCapabilities('2025-06-18'),
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, (req) => {
          requests.push(req.params);
          return { action: 'accept', content: { untitledSingle: 'option1', legacyEnum: 'opt2' } };
        }),
    });
    try {
      await c.client.callTool({ name: 'test_elicitation_sep1330_enums' });
      expect(Object.keys((requests[0] as any).requestedSchema.properties).sort()).toEqual(['legacyEnum', 'untitledSingle']);
    } finally {
      await c.close();
    }
  });
});

describe('elicitation SEP-1330 enums, 2025-11-25', () => {
  it('every enum shape reaches the client, and the choices come back', async () => {
    const requests: ElicitRequest['params'][] = [];
    const choice = { untitledSingle: 'option2', titledSingle: 'value3', legacyEnum: 'opt1', untitledMulti: ['option1', 'option3'], titledMulti: ['value2'] };
    const c = await connect(s.url, {
      violations,
      capabilities: fullCapabilities('2025-11-25'),
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, (req) => {
          requests.push(req.params);
          return { action: 'accept', content: choice };
        }),
    });
    try {
      const r = await c.client.callTool({ name: 'test_elicitation_sep1330_enums' });
      const props = (requests[0] as any).requestedSchema.properties;
      expect(props.untitledSingle).toMatchObject({ type: 'string', enum: ['option1', 'option2', 'option3'] });
      expect(props.titledSingle.oneOf).toEqual([
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ]);
      expect(props.legacyEnum.enumNames).toEqual(['Option One', 'Option Two', 'Option Three']);
      expect(props.untitledMulti).toMatchObject({ type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } });
      expect(props.titledMulti.items.anyOf).toHaveLength(3);
      expect(text(r)).toBe(`Elicitation completed: action=accept, content=${JSON.stringify(choice)}`);
    } finally {
      await c.close();
    }
  });
});

describe.each(['2025-11-25', '2025-06-18', '2025-03-26'])('sampling round trip, %s', (version) => {
  it('test_sampling: the client model answers, the tool echoes it (S2C-02)', async () => {
    const seen: unknown[] = [];
    const c = await connect(s.url, {
      version,
      violations,
      capabilities: { sampling: {} },
      setup: (client) =>
        client.setRequestHandler(CreateMessageRequestSchema, (req) => {
          seen.push(req.params);
          const first = req.params.messages[0]!.content as { type: string; text: string };
          return { role: 'assistant', content: { type: 'text', text: `echo: ${first.text}` }, model: 'test-model', stopReason: 'endTurn' };
        }),
    });
    try {
      const r = await c.client.callTool({ name: 'test_sampling', arguments: { prompt: 'What is 2+2?' } });
      expect(text(r)).toBe('LLM response: echo: What is 2+2?');
      expect(seen).toEqual([{ messages: [{ role: 'user', content: { type: 'text', text: 'What is 2+2?' } }], maxTokens: 100 }]);
      expect(c.wire.received.filter((m) => m.message.method === 'sampling/createMessage').map((m) => m.via)).toEqual(['POST']);
    } finally {
      await c.close();
    }
  });
});

describe('missing client capabilities (S2C-01)', () => {
  it.each(['2025-11-25', '2025-06-18'])('test_elicitation without the elicitation capability is an error, nothing is sent, %s', async (version) => {
    const c = await connect(s.url, { version, violations, capabilities: { sampling: {} } });
    try {
      const e = await errorOf(c.client.callTool({ name: 'test_elicitation', arguments: { message: 'x' } }));
      expect(e.code).toBe(-32600);
      expect(e.message).toMatch(/elicitation/);
      expect(c.wire.messages('elicitation/create')).toEqual([]);
      // The server keeps serving this session.
      expect(await c.client.ping()).toEqual({});
      expect(text(await c.client.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
      expect(s.mcp.stats().pendingClientRequests).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('URL-only elicitation capability does not allow form mode (S2C-01, 2025-11-25)', async () => {
    const c = await connect(s.url, { violations, capabilities: { elicitation: { url: {} } } });
    try {
      expect((await errorOf(c.client.callTool({ name: 'test_elicitation', arguments: { message: 'x' } }))).code).toBe(-32600);
      expect(c.wire.messages('elicitation/create')).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('test_sampling without the sampling capability is an error, nothing is sent', async () => {
    const c = await connect(s.url, { violations, capabilities: { elicitation: { form: {} } } });
    try {
      const e = await errorOf(c.client.callTool({ name: 'test_sampling', arguments: { prompt: 'x' } }));
      expect(e.code).toBe(-32600);
      expect(c.wire.messages('sampling/createMessage')).toEqual([]);
      expect(await c.client.ping()).toEqual({});
    } finally {
      await c.close();
    }
  });
});

describe('roots and server-side timeouts', () => {
  let t: Served;
  const tErrors: unknown[] = [];
  beforeAll(async () => {
    const mcp = createMcp({ name: 'client-requests', version: '1.0.0', clientRequestTimeoutMs: 200, onError: (e) => tErrors.push(e) });
    mcp.tool('roots', {}, async (_a, ctx) => {
      const { roots } = await ctx.listRoots();
      return { content: [{ type: 'text', text: roots.map((r) => r.uri).join(',') }] };
    });
    mcp.tool('ask', {}, async (_a, ctx) => {
      const r = await ctx.elicit({ message: 'Slow?', requestedSchema: { type: 'object', properties: {} } });
      return { content: [{ type: 'text', text: r.action }] };
    });
    t = await startServer(mcp);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('ctx.listRoots round trip (S2C-02)', async () => {
    const c = await connect(t.url, {
      violations,
      capabilities: { roots: {} },
      setup: (client) => client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///a', name: 'a' }, { uri: 'file:///b' }] })),
    });
    try {
      expect(text(await c.client.callTool({ name: 'roots' }))).toBe('file:///a,file:///b');
    } finally {
      await c.close();
    }
    await expectIdle(t.mcp);
  });

  it('a client that does not answer in time: the call fails with -32001 and the server sends notifications/cancelled (LC-08)', async () => {
    let handlerAborted = false;
    const c = await connect(t.url, {
      violations,
      capabilities: { elicitation: { form: {} } },
      setup: (client) =>
        client.setRequestHandler(ElicitRequestSchema, async (_req, extra) => {
          // Bounded: answer after 1 s at the latest, or as soon as the server cancels.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 1000);
            extra.signal.addEventListener('abort', () => {
              handlerAborted = true;
              clearTimeout(timer);
              resolve();
            }, { once: true });
          });
          return { action: 'accept', content: {} };
        }),
    });
    try {
      const e = await errorOf(within(c.client.callTool({ name: 'ask' }), 3000, 'the call to fail'));
      expect(e.code).toBe(-32001);
      const asked = c.wire.messages('elicitation/create');
      expect(asked).toHaveLength(1);
      expect(c.wire.messages('notifications/cancelled').map((m) => m.params)).toEqual([{ requestId: asked[0].id, reason: 'Timed out' }]);
      await waitFor(() => handlerAborted, 'the SDK to abort its handler');
      expect(t.mcp.stats().pendingClientRequests).toBe(0);
      expect(await c.client.ping()).toEqual({});
    } finally {
      await c.close();
    }
    await expectIdle(t.mcp);
    expect(tErrors).toEqual([]);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
