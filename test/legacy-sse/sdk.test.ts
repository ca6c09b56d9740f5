/**
 * The official SDK `SSEClientTransport` against the everything fixture over the HTTP+SSE transport (checklist §3,
 * SSE-01..05 and SSE-08: it is served beside /mcp with no configuration). Every fixture feature is exercised: every
 * tool, resource and prompt, completion, logging, progress, subscriptions, list changes, server-to-client requests
 * (sampling, elicitation, roots) and cancellation. The tap validates every message on the stream against the schema of
 * the negotiated revision and checks that every POST got `202 Accepted` with nothing else in its body.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { Mcp } from '@x/mcp-core';
import { OLD, SDK_LATEST, connectSdk, expectIdle, startLegacy, waitFor, within } from './harness';
import type { LegacyServed, SdkConnected } from './harness';
import { FIXTURE_TOOLS } from '../support/fixture-tools';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';


const text = (r: unknown): string => (r as { content: { type: string; text: string }[] }).content.map((c) => c.text).join('');

/** Test-only tools: one that waits for cancellation, one that asks for the client's roots. */
interface Probes {
  slowStarted: number;
  slowReasons: unknown[];
}
function registerProbes(mcp: Mcp, probes: Probes): void {
  mcp.tool('slow_until_cancelled', { description: 'Runs until its request is cancelled (5 s cap)' }, async (_a, ctx) => {
    probes.slowStarted++;
    await new Promise<void>((resolve) => {
      const cap = setTimeout(resolve, 5000);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(cap);
          probes.slowReasons.push(ctx.signal.reason);
          resolve();
        },
        { once: true },
      );
    });
    return { content: [{ type: 'text', text: ctx.signal.aborted ? 'cancelled' : 'timed out' }] };
  });
  mcp.tool('roots_probe', { description: 'Lists the client roots' }, async (_a, ctx) => {
    const r = await ctx.listRoots();
    return { content: [{ type: 'text', text: JSON.stringify(r.roots) }] };
  });
}

/** What every exchange of the SDK client must look like on this transport. */
function expectCleanWire({ tap, errors }: SdkConnected): void {
  // The SDK client saw nothing wrong (bar the progress race described in the progress test).
  expect(errors.filter((e) => !/progress notification for an unknown token/.test(e.message)).map((e) => e.message)).toEqual([]);
  expect(tap.stream.violations).toEqual([]);
  // SSE-04/SSE-05: every POST (requests, notifications, the client's answers) is 202 "Accepted", never JSON-RPC.
  for (const p of tap.posts) {
    expect({ status: p.status, text: p.text, method: p.body?.method ?? 'response' }).toEqual({ status: 202, text: 'Accepted', method: p.body?.method ?? 'response' });
    expect(p.contentType).toMatch(/^text\/plain/);
  }
  // One GET for the whole session: the EventSource never had to reconnect.
  expect(tap.gets).toBe(1);
}

describe(`SSEClientTransport, the SDK's own revision (${SDK_LATEST})`, () => {
  let s: LegacyServed;
  let c: SdkConnected;
  const probes: Probes = { slowStarted: 0, slowReasons: [] };
  const logs: { level: string; data: unknown }[] = [];
  const updates: string[] = [];
  let listChanged = 0;
  let elicitAnswer: (params: any) => any = () => ({ action: 'cancel' });
  const elicitRequests: any[] = [];
  const samplingRequests: any[] = [];

  beforeAll(async () => {
    s = await startLegacy({}, (mcp) => registerProbes(mcp, probes));
    c = await connectSdk(s.sseUrl, {
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
      setup: (client) => {
        client.setRequestHandler(CreateMessageRequestSchema, (req) => {
          samplingRequests.push(req.params);
          const first = req.params.messages[0]!.content as { type: string; text: string };
          return { role: 'assistant', content: { type: 'text', text: `echo: ${first.text}` }, model: 'test-model', stopReason: 'endTurn' };
        });
        client.setRequestHandler(ElicitRequestSchema, (req) => {
          elicitRequests.push(req.params);
          return elicitAnswer(req.params);
        });
        client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
        client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
          logs.push({ level: n.params.level, data: n.params.data });
        });
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
          updates.push(n.params.uri);
        });
        client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
          listChanged++;
        });
      },
    });
  });
  afterEach(() => {
    expectCleanWire(c);
  });
  afterAll(async () => {
    await c?.close();
    // SSE-07: closing the stream ends the session and releases everything.
    if (s !== undefined) {
      await expectIdle(s.mcp);
      expect(s.errors).toEqual([]);
      await s.close();
    }
  });

  it('SSE-01/SSE-02/SSE-05: one GET stream, a relative endpoint URI, and the initialize result on the stream', () => {
    const ev = c.tap.stream.events;
    expect(ev[0]).toEqual({ event: 'endpoint', data: `/messages?sessionId=${c.sessionId}` });
    expect(c.sessionId).toMatch(/^[0-9a-f]{16,}$/);
    const init = c.tap.stream.messages[0];
    expect(init.result.protocolVersion).toBe(SDK_LATEST);
    expect(c.tap.stream.revision).toBe(SDK_LATEST);
    expect(c.client.getServerVersion()).toMatchObject({ name: 'x-mcp-everything', version: '0.1.0' });
    expect(c.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: { subscribe: true }, prompts: {}, logging: {}, completions: {} });
    // The handshake POSTs (initialize, notifications/initialized) went to the endpoint and got 202.
    expect(c.tap.posts.map((p) => [new URL(p.url).pathname + new URL(p.url).search, p.body.method])).toEqual([
      [`/messages?sessionId=${c.sessionId}`, 'initialize'],
      [`/messages?sessionId=${c.sessionId}`, 'notifications/initialized'],
    ]);
    expect(s.mcp.stats()).toMatchObject({ sessions: 1, connections: 1, inflight: 0 });
  });

  it('ping', async () => {
    await expect(c.client.ping()).resolves.toEqual({});
  });

  it('tools/list lists every fixture tool', async () => {
    const r = await c.client.listTools();
    const names = r.tools.map((t) => t.name);
    expect(names.sort()).toEqual([...FIXTURE_TOOLS, 'slow_until_cancelled', 'roots_probe'].sort());
    const schemaTool = r.tools.find((t) => t.name === 'json_schema_2020_12_tool')!;
    expect(schemaTool.inputSchema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });

  it('content tools: text, image, audio, embedded resource, mixed', async () => {
    expect((await c.client.callTool({ name: 'test_simple_text' })).content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    expect((await c.client.callTool({ name: 'test_image_content' })).content).toEqual([{ type: 'image', data: PNG, mimeType: 'image/png' }]);
    const audio = (await c.client.callTool({ name: 'test_audio_content' })).content as any[];
    expect(audio).toHaveLength(1);
    expect(audio[0]).toMatchObject({ type: 'audio', mimeType: 'audio/wav' });
    expect(Buffer.from(audio[0].data, 'base64').subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect((await c.client.callTool({ name: 'test_embedded_resource' })).content).toEqual([
      { type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } },
    ]);
    const mixed = (await c.client.callTool({ name: 'test_multiple_content_types' })).content as any[];
    expect(mixed.map((x) => x.type)).toEqual(['text', 'image', 'resource']);
    expect(JSON.parse(mixed[2].resource.text)).toEqual({ test: 'data', value: 123 });
  });

  it('logging: setLoggingLevel(debug), then three notifications/message on the stream before the result', async () => {
    await c.client.setLoggingLevel('debug');
    logs.length = 0;
    const r = await c.client.callTool({ name: 'test_tool_with_logging' });
    expect(text(r)).toBe('Tool with logging executed successfully');
    expect(logs).toEqual([
      { level: 'info', data: 'Tool execution started' },
      { level: 'info', data: 'Tool processing data' },
      { level: 'info', data: 'Tool execution completed' },
    ]);
    // On this transport everything shares the one stream: the notifications precede the response there.
    const m = c.tap.stream.messages;
    const callId = c.tap.posts.find((p) => p.body?.params?.name === 'test_tool_with_logging')!.body.id;
    const at = m.findIndex((x) => x.id === callId && 'result' in x);
    const logsAt = m.map((x, i) => (x.method === 'notifications/message' ? i : -1)).filter((i) => i >= 0);
    expect(logsAt).toHaveLength(3);
    expect(Math.max(...logsAt)).toBeLessThan(at);
  });

  it('progress: three notifications/progress with the request token, before the result, reach onprogress', async () => {
    const seen: { progress: number; total?: number }[] = [];
    const errorsBefore = c.errors.length;
    const r = await c.client.callTool({ name: 'test_tool_with_progress' }, undefined, {
      onprogress: (p) => seen.push({ progress: p.progress, total: p.total }),
    });
    expect(text(r)).toBe('Progress tool completed');
    // On the wire: 0, 50, 100 with the request's token, all before its response.
    const call = c.tap.posts.find((p) => p.body?.params?.name === 'test_tool_with_progress')!.body;
    const token = call.params._meta.progressToken;
    const m = c.tap.stream.messages;
    const progress = m.filter((x) => x.method === 'notifications/progress' && x.params.progressToken === token);
    expect(progress.map((x) => [x.params.progress, x.params.total, x.params.message])).toEqual([
      [0, 100, 'Completed step 1 of 3'],
      [50, 100, 'Completed step 2 of 3'],
      [100, 100, 'Completed step 3 of 3'],
    ]);
    expect(m.indexOf(progress[2])).toBeLessThan(m.findIndex((x) => x.id === call.id && 'result' in x));
    // The SDK's EventSource dispatches every event of a chunk synchronously, and the SDK runs notification handlers a
    // microtask later: when the last progress and the result share a TCP chunk, the result retires the token first and
    // the SDK reports that progress as "unknown token" instead of calling onprogress. Every notification is accounted for.
    const late = c.errors.slice(errorsBefore).filter((e) => /progress notification for an unknown token/.test(e.message));
    expect(seen.length + late.length).toBe(3);
    expect(seen).toEqual([
      { progress: 0, total: 100 },
      { progress: 50, total: 100 },
      { progress: 100, total: 100 },
    ].slice(0, seen.length));
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('test_error_handling → an isError result', async () => {
    const r = await c.client.callTool({ name: 'test_error_handling' });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('This tool intentionally returns an error for testing');
  });

  it('sampling: sampling/createMessage goes out on the stream, the answer is POSTed back (202)', async () => {
    samplingRequests.length = 0;
    const r = await c.client.callTool({ name: 'test_sampling', arguments: { prompt: 'What is 2+2?' } });
    expect(text(r)).toBe('LLM response: echo: What is 2+2?');
    expect(samplingRequests).toEqual([{ messages: [{ role: 'user', content: { type: 'text', text: 'What is 2+2?' } }], maxTokens: 100 }]);
    const req = c.tap.stream.byMethod('sampling/createMessage').at(-1);
    const answer = await waitFor(() => c.tap.posts.find((p) => p.body?.id === req.id && 'result' in p.body), 'the POSTed sampling answer');
    expect(answer.status).toBe(202);
    expect(s.mcp.stats().pendingClientRequests).toBe(0);
  });

  it('elicitation: accept with content, and decline', async () => {
    elicitAnswer = () => ({ action: 'accept', content: { username: 'ada', email: 'ada@example.com' } });
    const r = await c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    expect(text(r)).toBe('User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
    expect(elicitRequests.at(-1)).toMatchObject({ message: 'Who are you?', requestedSchema: { type: 'object', required: ['username', 'email'] } });
    elicitAnswer = () => ({ action: 'decline' });
    expect(text(await c.client.callTool({ name: 'test_elicitation', arguments: { message: 'Again?' } }))).toBe('User response: action=decline, content={}');
  });

  it('elicitation SEP-1034: defaults reach the client and come back', async () => {
    elicitAnswer = (params) => ({
      action: 'accept',
      content: Object.fromEntries(Object.entries(params.requestedSchema.properties as Record<string, { default: unknown }>).map(([k, p]) => [k, p.default])),
    });
    const r = await c.client.callTool({ name: 'test_elicitation_sep1034_defaults' });
    expect(text(r)).toBe('Elicitation completed: action=accept, content={"name":"John Doe","age":30,"score":95.5,"status":"active","verified":true}');
  });

  it('elicitation SEP-1330: every enum shape reaches the client, the choices come back', async () => {
    const choice = { untitledSingle: 'option2', titledSingle: 'value3', legacyEnum: 'opt1', untitledMulti: ['option1', 'option3'], titledMulti: ['value2'] };
    elicitAnswer = () => ({ action: 'accept', content: choice });
    const r = await c.client.callTool({ name: 'test_elicitation_sep1330_enums' });
    const props = elicitRequests.at(-1).requestedSchema.properties;
    expect(Object.keys(props).sort()).toEqual(['legacyEnum', 'titledMulti', 'titledSingle', 'untitledMulti', 'untitledSingle']);
    expect(props.titledSingle.oneOf).toHaveLength(3);
    expect(text(r)).toBe(`Elicitation completed: action=accept, content=${JSON.stringify(choice)}`);
  });

  it('roots: roots/list goes out on the stream and the answer reaches the handler', async () => {
    const r = await c.client.callTool({ name: 'roots_probe' });
    expect(JSON.parse(text(r))).toEqual([{ uri: 'file:///work/project', name: 'project' }]);
    expect(c.tap.stream.byMethod('roots/list')).toHaveLength(1);
  });

  it('json_schema_2020_12_tool with valid arguments', async () => {
    const args = { name: 'Ada', contact: 'ada@example.com', address: { street: '1 Loop Rd', city: 'Localhost' } };
    const r = await c.client.callTool({ name: 'json_schema_2020_12_tool', arguments: args });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toBe(`Received: ${JSON.stringify(args)}`);
  });

  it('test_reconnection completes: closeStream is a no-op on this transport (the stream is the session)', async () => {
    const r = await c.client.callTool({ name: 'test_reconnection' });
    expect(text(r)).toBe('Reconnection test completed');
    expect(c.tap.stream.ended).toBe(false);
    expect(s.mcp.stats()).toMatchObject({ sessions: 1, connections: 1 });
  });

  it('resources: list, templates, and read static text, binary, template and watched', async () => {
    const list = await c.client.listResources();
    expect(list.resources.map((r) => r.uri).sort()).toEqual(['test://static-binary', 'test://static-text', 'test://watched-resource']);
    const templates = await c.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['test://template/{id}/data']);
    expect((await c.client.readResource({ uri: 'test://static-text' })).contents).toEqual([
      { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
    ]);
    expect((await c.client.readResource({ uri: 'test://static-binary' })).contents).toEqual([{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG }]);
    const t = (await c.client.readResource({ uri: 'test://template/123/data' })).contents[0] as { text: string; uri: string };
    expect(t.uri).toBe('test://template/123/data');
    expect(JSON.parse(t.text)).toEqual({ id: '123', templateTest: true, data: 'Data for ID: 123' });
    const w = (await c.client.readResource({ uri: 'test://watched-resource' })).contents[0] as { text: string };
    expect(w.text).toMatch(/^Watched resource content at /);
  });

  it('prompts: list, and get every prompt', async () => {
    const list = await c.client.listPrompts();
    expect(list.prompts.map((p) => p.name).sort()).toEqual(
      [
        'test_prompt_with_arguments',
        'test_prompt_with_embedded_resource',
        'test_prompt_with_image',
        'test_simple_prompt',
        'test_input_required_result_prompt',
      ].sort(),
    );
    expect((await c.client.getPrompt({ name: 'test_simple_prompt' })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } },
    ]);
    expect((await c.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" } },
    ]);
    const embedded = await c.client.getPrompt({ name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://static-text' } });
    expect(embedded.messages[0]).toEqual({
      role: 'user',
      content: { type: 'resource', resource: { uri: 'test://static-text', mimeType: 'text/plain', text: 'Embedded resource content for testing.' } },
    });
    const image = await c.client.getPrompt({ name: 'test_prompt_with_image' });
    expect(image.messages[0]).toEqual({ role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } });
  });

  it('completion: a prompt argument and a template variable', async () => {
    const p = await c.client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'par' } });
    expect(p.completion.values).toEqual(['paris', 'park', 'parrot']);
    const t = await c.client.complete({ ref: { type: 'ref/resource', uri: 'test://template/{id}/data' }, argument: { name: 'id', value: '1' } });
    expect(t.completion.values).toEqual(['1', '123']);
  });

  it('resources/subscribe + mcp.resourceUpdated → notifications/resources/updated on the stream; none after unsubscribe', async () => {
    updates.length = 0;
    await c.client.subscribeResource({ uri: 'test://watched-resource' });
    s.mcp.resourceUpdated('test://watched-resource');
    s.mcp.resourceUpdated('test://static-text'); // not subscribed: nothing
    await waitFor(() => updates.length > 0, 'notifications/resources/updated');
    expect(updates).toEqual(['test://watched-resource']);
    await c.client.unsubscribeResource({ uri: 'test://watched-resource' });
    s.mcp.resourceUpdated('test://watched-resource');
    // The stream is ordered: once the ping's answer is in, a notification sent before it would be too.
    await c.client.ping();
    expect(updates).toEqual(['test://watched-resource']);
    expect(c.tap.stream.byMethod('notifications/resources/updated')).toEqual([
      { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'test://watched-resource' } },
    ]);
  });

  it('notifications/tools/list_changed reaches the stream when a tool is registered (same registry as /mcp)', async () => {
    const before = listChanged;
    const reg = s.mcp.tool('late_tool', { description: 'registered after connect' }, () => ({ content: [{ type: 'text', text: 'late' }] }));
    try {
      await waitFor(() => listChanged > before, 'notifications/tools/list_changed');
      expect(text(await c.client.callTool({ name: 'late_tool' }))).toBe('late');
    } finally {
      reg.remove();
    }
    await waitFor(() => listChanged > before + 1, 'the second list_changed (removal)');
  });

  it('cancellation: aborting callTool sends notifications/cancelled; the handler sees it and no response follows', async () => {
    const started = probes.slowStarted;
    const ac = new AbortController();
    const call = c.client.callTool({ name: 'slow_until_cancelled' }, undefined, { signal: ac.signal });
    const failed = call.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await waitFor(() => probes.slowStarted > started && s.mcp.stats().inflight === 1, 'the slow tool to run');
    ac.abort('the user gave up');
    expect(await within(failed, 3000, 'the aborted call to settle')).toMatch(/the user gave up/);
    await waitFor(() => probes.slowReasons.length > 0, 'the handler to see the abort');
    const cancelled = await waitFor(() => c.tap.posts.find((p) => p.body?.method === 'notifications/cancelled'), 'the POSTed notifications/cancelled');
    expect(cancelled.status).toBe(202);
    expect(probes.slowReasons).toEqual([cancelled.body.params.reason]);
    await waitFor(() => s.mcp.stats().inflight === 0, 'inflight back to 0');
    // A cancelled request owes no response: a ping fences the stream.
    await c.client.ping();
    expect(c.tap.stream.response(cancelled.body.params.requestId)).toBeUndefined();
    expect(s.mcp.stats()).toMatchObject({ sessions: 1, connections: 1, inflight: 0, pendingClientRequests: 0 });
  });
});

describe(`SSEClientTransport negotiating ${OLD} (the revision of this transport)`, () => {
  let s: LegacyServed;
  let c: SdkConnected;
  beforeAll(async () => {
    s = await startLegacy();
    c = await connectSdk(s.sseUrl, {
      version: OLD,
      capabilities: { sampling: {}, roots: {} },
      setup: (client) =>
        client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'four' }, model: 'm' })),
    });
  });
  afterEach(() => {
    expectCleanWire(c);
  });
  afterAll(async () => {
    await c?.close();
    if (s !== undefined) {
      await expectIdle(s.mcp);
      expect(s.errors).toEqual([]);
      await s.close();
    }
  });

  it(`initialize negotiates ${OLD}; lists and calls are valid for its schema`, async () => {
    expect(c.tap.stream.revision).toBe(OLD);
    expect(c.client.getServerCapabilities()).not.toHaveProperty('completions');
    const tools = await c.client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(FIXTURE_TOOLS));
    expect(text(await c.client.callTool({ name: 'test_simple_text' }))).toBe('This is a simple text response for testing.');
    expect((await c.client.callTool({ name: 'test_image_content' })).content).toEqual([{ type: 'image', data: PNG, mimeType: 'image/png' }]);
    expect((await c.client.callTool({ name: 'test_embedded_resource' })).content).toHaveLength(1);
    expect((await c.client.callTool({ name: 'test_multiple_content_types' })).content).toHaveLength(3);
    expect((await c.client.callTool({ name: 'test_error_handling' })).isError).toBe(true);
    expect(text(await c.client.callTool({ name: 'test_sampling', arguments: { prompt: '2+2?' } }))).toBe('LLM response: four');
    await c.client.callTool({ name: 'test_tool_with_progress' }, undefined, { onprogress: () => {} });
    expect(c.tap.stream.byMethod('notifications/progress').map((x) => x.params.progress)).toEqual([0, 50, 100]);
    await c.client.setLoggingLevel('debug');
    await c.client.callTool({ name: 'test_tool_with_logging' });
    expect(c.tap.stream.byMethod('notifications/message')).toHaveLength(3);
  });

  it('resources and prompts are valid for its schema', async () => {
    await c.client.listResources();
    await c.client.listResourceTemplates();
    for (const uri of ['test://static-text', 'test://static-binary', 'test://template/123/data', 'test://watched-resource']) {
      expect((await c.client.readResource({ uri })).contents).toHaveLength(1);
    }
    await c.client.listPrompts();
    expect((await c.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x', arg2: 'y' } })).messages).toHaveLength(1);
    await c.client.subscribeResource({ uri: 'test://watched-resource' });
    s.mcp.resourceUpdated('test://watched-resource');
    await c.tap.stream.waitMessage((m) => m.find((x) => x.method === 'notifications/resources/updated'), 'notifications/resources/updated');
  });
});
