/**
 * Resources, subscriptions, prompts and completion over real sockets with the official SDK client
 * (checklist §9 RES-01..04, PR-01, CMP-01, ERR-02), on each revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpError, PromptListChangedNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { REVISIONS, connect, expectIdle, startEverything, waitFor } from './harness.ts';
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

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const WATCHED = 'test://watched-resource';
const TEMPLATE = 'test://template/{id}/data';

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

describe.each(REVISIONS)('resources, %s', (version) => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(s.url, { version, violations });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('resources/list and resources/templates/list (RES-01)', async () => {
    const { resources, nextCursor } = await c.client.listResources();
    expect(nextCursor).toBeUndefined();
    // `title` exists from 2025-06-18; a 2025-03-26 list leaves it out (TOOL-02).
    const title = (t: string) => (version >= '2025-06-18' ? { title: t } : {});
    expect(resources).toEqual([
      { uri: 'test://static-text', name: 'static-text', ...title('Static text'), description: 'A static text resource', mimeType: 'text/plain' },
      { uri: 'test://static-binary', name: 'static-binary', ...title('Static binary'), description: 'A static PNG', mimeType: 'image/png' },
      { uri: WATCHED, name: 'watched-resource', description: 'Subscribe to hear when it changes', mimeType: 'text/plain' },
    ]);
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      { uriTemplate: TEMPLATE, name: 'template', description: 'A resource template with one parameter', mimeType: 'application/json' },
    ]);
  });

  it('reads every resource: text, blob, watched, template (RES-02)', async () => {
    expect((await c.client.readResource({ uri: 'test://static-text' })).contents).toEqual([
      { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
    ]);
    const bin = (await c.client.readResource({ uri: 'test://static-binary' })).contents;
    expect(bin).toEqual([{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG }]);
    expect(Buffer.from(PNG, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');

    const watched = (await c.client.readResource({ uri: WATCHED })).contents as any[];
    expect(watched).toHaveLength(1);
    expect(watched[0].text).toMatch(/^Watched resource content at \d{4}-\d\d-\d\dT/);

    const t = (await c.client.readResource({ uri: 'test://template/123/data' })).contents as any[];
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ uri: 'test://template/123/data', mimeType: 'application/json' });
    expect(JSON.parse(t[0].text)).toEqual({ id: '123', templateTest: true, data: 'Data for ID: 123' });
  });

  it('an unknown URI is -32002 with data.uri (ERR-02)', async () => {
    const e = await errorOf(c.client.readResource({ uri: 'test://nope' }));
    expect(e.code).toBe(-32002);
    expect(e.data).toEqual({ uri: 'test://nope' });
    // A URI that does not match the template's shape is unknown too.
    expect((await errorOf(c.client.readResource({ uri: 'test://template/123' }))).code).toBe(-32002);
  });

  it('subscribe: resources/updated arrives on the GET stream; after unsubscribe, none (RES-03)', async () => {
    const updates: string[] = [];
    const barriers: number[] = [];
    c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
    c.client.setNotificationHandler(PromptListChangedNotificationSchema, () => void barriers.push(1));
    // The GET stream is ordered: a list_changed that arrives after resourceUpdated() proves nothing else is coming.
    const barrier = async () => {
      const before = barriers.length;
      s.mcp.prompt('barrier', {}, () => ({ messages: [] })).remove(); // one coalesced prompts/list_changed
      await waitFor(() => barriers.length > before, 'the barrier notification');
    };

    expect(await c.client.subscribeResource({ uri: WATCHED })).toEqual({});
    s.mcp.resourceUpdated(WATCHED);
    s.mcp.resourceUpdated('test://static-text'); // not subscribed: not sent
    await waitFor(() => updates.length === 1, 'notifications/resources/updated');
    await barrier();
    expect(updates).toEqual([WATCHED]);
    const sent = c.wire.received.filter((r) => r.message.method === 'notifications/resources/updated');
    expect(sent.map((r) => r.via)).toEqual(['GET']);
    expect(sent[0]!.message.params).toEqual({ uri: WATCHED });

    expect(await c.client.unsubscribeResource({ uri: WATCHED })).toEqual({});
    s.mcp.resourceUpdated(WATCHED);
    await barrier();
    expect(updates).toEqual([WATCHED]);
  });
});

describe('subscriptions are per session (RES-03)', () => {
  it('only the subscribed session hears resources/updated', async () => {
    const a = await connect(s.url, { violations });
    const b = await connect(s.url, { violations });
    try {
      const heard = { a: 0, b: 0, barrierA: 0, barrierB: 0 };
      a.client.setNotificationHandler(ResourceUpdatedNotificationSchema, () => void heard.a++);
      b.client.setNotificationHandler(ResourceUpdatedNotificationSchema, () => void heard.b++);
      a.client.setNotificationHandler(PromptListChangedNotificationSchema, () => void heard.barrierA++);
      b.client.setNotificationHandler(PromptListChangedNotificationSchema, () => void heard.barrierB++);
      await waitFor(() => s.mcp.stats().connections === 2, 'both GET streams');
      await a.client.subscribeResource({ uri: WATCHED });
      s.mcp.resourceUpdated(WATCHED);
      s.mcp.prompt('barrier', {}, () => ({ messages: [] })).remove();
      await waitFor(() => heard.barrierA === 1 && heard.barrierB === 1, 'the barrier on both sessions');
      expect(heard.a).toBe(1);
      expect(heard.b).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe.each(REVISIONS)('prompts and completion, %s', (version) => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(s.url, { version, violations });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('prompts/list (PR-01)', async () => {
    const { prompts } = await c.client.listPrompts();
    expect(prompts).toEqual([
      { name: 'test_simple_prompt', description: 'A simple prompt without arguments' },
      {
        name: 'test_prompt_with_arguments',
        description: 'A prompt with two required arguments',
        arguments: [
          { name: 'arg1', description: 'First test argument', required: true },
          { name: 'arg2', description: 'Second test argument', required: true },
        ],
      },
      {
        name: 'test_prompt_with_embedded_resource',
        description: 'A prompt with an embedded resource',
        arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
      },
      { name: 'test_prompt_with_image', description: 'A prompt with an image' },
      { name: 'test_input_required_result_prompt', description: 'Asks the user for context (input key user_context), then renders it' },
    ]);
  });

  it('gets every prompt (PR-01)', async () => {
    expect((await c.client.getPrompt({ name: 'test_simple_prompt' })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } },
    ]);
    expect((await c.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" } },
    ]);
    expect((await c.client.getPrompt({ name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://x' } })).messages).toEqual([
      { role: 'user', content: { type: 'resource', resource: { uri: 'test://x', mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ]);
    expect((await c.client.getPrompt({ name: 'test_prompt_with_image' })).messages).toEqual([
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ]);
  });

  it('a missing required argument or an unknown prompt is -32602 (PR-01)', async () => {
    const missing = await errorOf(c.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a' } }));
    expect(missing.code).toBe(-32602);
    expect(missing.data).toEqual({ missing: ['arg2'] });
    const none = await errorOf(c.client.getPrompt({ name: 'test_prompt_with_arguments' }));
    expect(none.code).toBe(-32602);
    expect(none.data).toEqual({ missing: ['arg1', 'arg2'] });
    expect((await errorOf(c.client.getPrompt({ name: 'no_such_prompt' }))).code).toBe(-32602);
  });

  it('completion/complete for a prompt argument and a template variable (CMP-01)', async () => {
    const prompt = { type: 'ref/prompt' as const, name: 'test_prompt_with_arguments' };
    expect((await c.client.complete({ ref: prompt, argument: { name: 'arg1', value: 'par' } })).completion).toEqual({
      values: ['paris', 'park', 'parrot'],
      total: 3,
      hasMore: false,
    });
    expect((await c.client.complete({ ref: prompt, argument: { name: 'arg1', value: 'parr' } })).completion.values).toEqual(['parrot']);
    // An argument without a completer completes to nothing.
    expect((await c.client.complete({ ref: prompt, argument: { name: 'arg2', value: 'x' } })).completion.values).toEqual([]);

    const template = { type: 'ref/resource' as const, uri: TEMPLATE };
    expect((await c.client.complete({ ref: template, argument: { name: 'id', value: '1' } })).completion).toEqual({
      values: ['1', '123'],
      total: 2,
      hasMore: false,
    });
    expect((await c.client.complete({ ref: template, argument: { name: 'id', value: '' } })).completion.values).toEqual(['1', '2', '3', '123']);
    expect((await errorOf(c.client.complete({ ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'a', value: '' } }))).code).toBe(-32602);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});
