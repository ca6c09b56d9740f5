/**
 * Tools over real sockets with the official SDK client (checklist §9 TOOL-01..06, TRAP-27): the fixture's tools on
 * each revision, Standard Schema tools (valibot, zod 4, arktype), and list_changed on the GET stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallToolResultSchema, McpError, PromptListChangedNotificationSchema, ResourceListChangedNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcp } from '@x/mcp-core';
import { type as ark } from 'arktype';
import * as v from 'valibot';
import * as z from 'zod';
import { REVISIONS, connect, expectIdle, startEverything, startServer, waitFor } from './harness.ts';
import type { Connected, Served } from './harness.ts';
import { FIXTURE_TOOLS } from '../support/fixture-tools';

const violations: string[] = [];
const serverErrors: unknown[] = [];
let s: Served;

beforeAll(async () => {
  s = await startEverything({}, serverErrors);
});
afterAll(async () => {
  await s?.close();
});

/** The fixture's tools in registration order. */

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The raw JSON Schema the fixture registers for json_schema_2020_12_tool, key order included. */
const RAW_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'address',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'string', pattern: '^\\+?[0-9 ]+$' }] },
    kind: { type: 'string' },
  },
  allOf: [{ required: ['name'] }, { anyOf: [{ required: ['contact'] }, { required: ['address'] }] }],
  if: { properties: { kind: { const: 'business' } }, required: ['kind'] },
  then: { required: ['address'] },
  else: {},
  additionalProperties: false,
};

/** Calls a tool bypassing the SDK's client-side outputSchema check, returning the result or the JSON-RPC error. */
async function rawCall(c: Connected, name: string, args: Record<string, unknown>): Promise<{ result?: any; error?: McpError }> {
  try {
    return { result: await c.client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema) };
  } catch (error) {
    if (error instanceof McpError) return { error };
    throw error;
  }
}

describe.each(REVISIONS)('the fixture tools, %s', (version) => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(s.url, { version, violations });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('tools/list lists every fixture tool in a stable order (TOOL-01, TOOL-02)', async () => {
    const first = await c.client.listTools();
    const second = await c.client.listTools();
    expect(first.tools.map((t) => t.name)).toEqual(FIXTURE_TOOLS);
    expect(second).toEqual(first);
    expect(first.nextCursor).toBeUndefined();
    for (const t of first.tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(typeof t.description).toBe('string');
    }
    // A valibot input schema is converted.
    expect(first.tools.find((t) => t.name === 'test_sampling')!.inputSchema).toMatchObject({
      type: 'object',
      properties: { prompt: { type: 'string' } },
      required: ['prompt'],
    });
  });

  it('json_schema_2020_12_tool publishes its raw schema byte for byte', async () => {
    await c.client.listTools();
    const list = c.wire.exchanges.filter((e) => e.body?.method === 'tools/list').at(-1)!;
    await list.ended;
    expect(list.text).toBeDefined();
    expect(list.text).toContain(`"name":"json_schema_2020_12_tool","description":"A tool whose input schema uses JSON Schema 2020-12 keywords","inputSchema":${JSON.stringify(RAW_2020_12)}`);
  });

  it('text, image, audio, embedded resource and mixed content (TOOL-03)', async () => {
    expect((await c.client.callTool({ name: 'test_simple_text', arguments: {} })).content).toEqual([
      { type: 'text', text: 'This is a simple text response for testing.' },
    ]);
    expect((await c.client.callTool({ name: 'test_image_content' })).content).toEqual([{ type: 'image', data: PNG, mimeType: 'image/png' }]);

    const audio = (await c.client.callTool({ name: 'test_audio_content' })).content as any[];
    expect(audio).toHaveLength(1);
    expect(audio[0]).toMatchObject({ type: 'audio', mimeType: 'audio/wav' });
    const wav = Buffer.from(audio[0].data, 'base64');
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(wav.length).toBe(44 + 8);

    expect((await c.client.callTool({ name: 'test_embedded_resource' })).content).toEqual([
      { type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } },
    ]);

    const mixed = (await c.client.callTool({ name: 'test_multiple_content_types' })).content as any[];
    expect(mixed.map((x) => x.type)).toEqual(['text', 'image', 'resource']);
    expect(mixed[0].text).toBe('Multiple content types test:');
    expect(mixed[1]).toEqual({ type: 'image', data: PNG, mimeType: 'image/png' });
    expect(mixed[2].resource.uri).toBe('test://mixed-content-resource');
    expect(JSON.parse(mixed[2].resource.text)).toEqual({ test: 'data', value: 123 });
  });

  it('logging and progress tools complete without client help', async () => {
    expect((await c.client.callTool({ name: 'test_tool_with_logging' })).content).toEqual([
      { type: 'text', text: 'Tool with logging executed successfully' },
    ]);
    expect((await c.client.callTool({ name: 'test_tool_with_progress' })).content).toEqual([{ type: 'text', text: 'Progress tool completed' }]);
  });

  it('test_error_handling is an isError result, not a protocol error (TOOL-05)', async () => {
    const r = await c.client.callTool({ name: 'test_error_handling' });
    expect(r.isError).toBe(true);
    expect(r.content).toEqual([{ type: 'text', text: 'This tool intentionally returns an error for testing' }]);
  });

  it('an unknown tool is a -32602 protocol error on every revision (TOOL-05, TRAP-27)', async () => {
    const r = await rawCall(c, 'no_such_tool', {});
    expect(r.error?.code).toBe(-32602);
    expect(r.error?.data).toEqual({ name: 'no_such_tool' });
  });

  it(`raw JSON Schema arguments: valid passes, invalid is ${version >= '2025-11-25' ? 'an isError result' : 'a -32602 error'} (TRAP-27)`, async () => {
    const ok = await c.client.callTool({ name: 'json_schema_2020_12_tool', arguments: { name: 'Ada', contact: 'ada@example.com' } });
    expect(ok.isError).toBeFalsy();
    expect(ok.content).toEqual([{ type: 'text', text: 'Received: {"name":"Ada","contact":"ada@example.com"}' }]);

    const bad = await rawCall(c, 'json_schema_2020_12_tool', { contact: 'ada@example.com', extra: 1 });
    if (version >= '2025-11-25') {
      expect(bad.result?.isError).toBe(true);
      const errors = bad.result.structuredContent.errors as { path: string; message: string }[];
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e.path).toMatch(/^\/arguments(\/|$)/);
    } else {
      expect(bad.error?.code).toBe(-32602);
      expect((bad.error?.data as any).errors.length).toBeGreaterThan(0);
    }
  });
});

// ---- Standard Schema tools ----------------------------------------------------------------------

describe('Standard Schema tools (valibot, zod 4, arktype)', () => {
  let std: Served;
  const stdErrors: unknown[] = [];
  beforeAll(async () => {
    const mcp = createMcp({ name: 'std', version: '1.0.0', onError: (e) => stdErrors.push(e) });
    mcp.tool(
      'valibot_forecast',
      {
        inputSchema: v.object({ city: v.string(), days: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
        outputSchema: v.object({ forecast: v.array(v.string()) }),
      },
      ({ city, days }) => {
        const forecast = Array.from({ length: days }, (_, i) => `${city} day ${i + 1}: sunny`);
        return { content: [{ type: 'text', text: JSON.stringify({ forecast }) }], structuredContent: { forecast } };
      },
    );
    mcp.tool(
      'zod_sum',
      { inputSchema: z.object({ a: z.number(), b: z.number() }), outputSchema: z.object({ sum: z.number() }) },
      ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
    );
    mcp.tool(
      'arktype_greet',
      { inputSchema: ark({ name: 'string', 'age?': 'number.integer' }), outputSchema: ark({ greeting: 'string' }) },
      ({ name, age }) => {
        const greeting = age === undefined ? `Hello ${name}` : `Hello ${name} (${age})`;
        return { content: [{ type: 'text', text: greeting }], structuredContent: { greeting } };
      },
    );
    // Declares {sum: number} but returns a string: the server must not send it (TOOL-04).
    mcp.tool('zod_bad_output', { outputSchema: z.object({ sum: z.number() }) }, () => ({
      content: [{ type: 'text', text: 'oops' }],
      structuredContent: { sum: 'not a number' } as unknown as Record<string, unknown>,
    }));
    std = await startServer(mcp);
  });
  afterAll(async () => {
    await std?.close();
  });

  it('tools/list shows the converted JSON Schemas (inputs and outputs)', async () => {
    const c = await connect(std.url, { violations });
    try {
      const { tools } = await c.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['valibot_forecast', 'zod_sum', 'arktype_greet', 'zod_bad_output']);
      const by = Object.fromEntries(tools.map((t) => [t.name, t]));
      for (const t of tools) {
        expect(t.inputSchema).not.toHaveProperty('$schema');
        if (t.outputSchema) expect(t.outputSchema).not.toHaveProperty('$schema');
      }
      expect(by.valibot_forecast!.inputSchema).toMatchObject({
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
        required: ['city', 'days'],
      });
      expect(by.valibot_forecast!.outputSchema).toMatchObject({
        type: 'object',
        properties: { forecast: { type: 'array', items: { type: 'string' } } },
        required: ['forecast'],
      });
      expect(by.zod_sum!.inputSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
      expect(by.zod_sum!.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] });
      expect(by.arktype_greet!.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] });
      expect(by.arktype_greet!.outputSchema).toMatchObject({ type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'] });
      expect(by.zod_bad_output!.inputSchema).toEqual({ type: 'object', properties: {} });
    } finally {
      await c.close();
    }
  });

  it('valid calls return structuredContent that the SDK validates against the outputSchema (TOOL-04)', async () => {
    const c = await connect(std.url, { violations });
    try {
      await c.client.listTools(); // caches the SDK's output validators
      expect((await c.client.callTool({ name: 'valibot_forecast', arguments: { city: 'Oslo', days: 2 } })).structuredContent).toEqual({
        forecast: ['Oslo day 1: sunny', 'Oslo day 2: sunny'],
      });
      expect((await c.client.callTool({ name: 'zod_sum', arguments: { a: 2, b: 3 } })).structuredContent).toEqual({ sum: 5 });
      expect((await c.client.callTool({ name: 'arktype_greet', arguments: { name: 'Ada', age: 36 } })).structuredContent).toEqual({ greeting: 'Hello Ada (36)' });
      expect((await c.client.callTool({ name: 'arktype_greet', arguments: { name: 'Ada' } })).structuredContent).toEqual({ greeting: 'Hello Ada' });
    } finally {
      await c.close();
    }
  });

  // The SDK client validates structuredContent against the tool's outputSchema even on isError results, so these
  // calls go through client.request (no client-side output check): see the report.
  it('bad arguments on 2025-11-25: isError with the /arguments pointer list in _meta, no structuredContent against the outputSchema (TRAP-27, TOOL-04, TOOL-05)', async () => {
    const c = await connect(std.url, { version: '2025-11-25', violations });
    try {
      await c.client.listTools();
      const cases: [string, Record<string, unknown>, string[]][] = [
        ['valibot_forecast', { city: 'Oslo', days: 0 }, ['/arguments/days']],
        ['valibot_forecast', { city: 7, days: 1.5 }, ['/arguments/city', '/arguments/days']],
        ['zod_sum', { a: 1, b: 'two' }, ['/arguments/b']],
        ['arktype_greet', { name: 'Ada', age: 1.5 }, ['/arguments/age']],
        ['arktype_greet', { age: 3 }, ['/arguments/name']],
      ];
      for (const [name, args, paths] of cases) {
        // Every tool here declares an outputSchema: the official client's own outputSchema check must not trip.
        const r = (await c.client.callTool({ name, arguments: args })) as {
          isError?: boolean;
          structuredContent?: unknown;
          content: { type: string; text: string }[];
          _meta?: Record<string, unknown>;
        };
        expect(r.isError, name).toBe(true);
        expect(r.structuredContent, name).toBeUndefined();
        const errors = r._meta?.['x-mcp/validationErrors'] as { path: string; message: string }[];
        expect(errors.map((e) => e.path).sort(), `${name} ${JSON.stringify(args)}`).toEqual(paths);
        for (const e of errors) expect(typeof e.message).toBe('string');
        expect(r.content[0]!.type).toBe('text');
        expect(r.content[0]!.text).toContain(`Invalid arguments for tool "${name}"`);
      }
    } finally {
      await c.close();
    }
  });

  it('bad arguments on 2025-06-18: a JSON-RPC -32602 error (TRAP-27, TOOL-05)', async () => {
    const c = await connect(std.url, { version: '2025-06-18', violations });
    try {
      await c.client.listTools();
      for (const [name, args, path] of [
        ['valibot_forecast', { city: 'Oslo', days: 0 }, '/arguments/days'],
        ['zod_sum', { a: 1, b: 'two' }, '/arguments/b'],
        ['arktype_greet', { age: 3 }, '/arguments/name'],
      ] as const) {
        const err = await c.client.callTool({ name, arguments: args }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(McpError);
        expect((err as McpError).code, name).toBe(-32602);
        expect((err as McpError).data).toEqual({ errors: [expect.objectContaining({ path })] });
      }
    } finally {
      await c.close();
    }
  });

  it('structuredContent that violates the outputSchema is a JSON-RPC error, never sent (TOOL-04)', async () => {
    for (const version of ['2025-11-25', '2025-06-18']) {
      const c = await connect(std.url, { version, violations });
      try {
        const r = await rawCall(c, 'zod_bad_output', {});
        expect(r.result).toBeUndefined();
        expect(r.error?.code).toBe(-32603);
        expect((r.error?.data as any).errors[0].path).toBe('/structuredContent/sum');
        expect(JSON.stringify(c.wire.received)).not.toContain('not a number');
      } finally {
        await c.close();
      }
    }
  });

  it('list_changed for tools, prompts and resources arrives on the GET stream (TOOL-06, RES-04, PR-01)', async () => {
    const c = await connect(std.url, { violations });
    const seen: string[] = [];
    c.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void seen.push('tools'));
    c.client.setNotificationHandler(PromptListChangedNotificationSchema, () => void seen.push('prompts'));
    c.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void seen.push('resources'));
    try {
      await waitFor(() => std.mcp.stats().connections === 1, 'the GET stream to be attached');
      const count = (k: string) => seen.filter((x) => x === k).length;

      const reg = std.mcp.tool('runtime_tool', { description: 'added at run time' }, () => ({ content: [{ type: 'text', text: 'new' }] }));
      await waitFor(() => count('tools') === 1, 'tools/list_changed after tool()');
      expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('runtime_tool');
      expect((await c.client.callTool({ name: 'runtime_tool' })).content).toEqual([{ type: 'text', text: 'new' }]);

      reg.remove();
      await waitFor(() => count('tools') === 2, 'tools/list_changed after remove()');
      expect((await c.client.listTools()).tools.map((t) => t.name)).not.toContain('runtime_tool');
      // Removing twice changes nothing and sends nothing.
      reg.remove();

      // Two registrations in one tick coalesce into one notification.
      const a = std.mcp.tool('burst_a', {}, () => ({ content: [] }));
      const b = std.mcp.tool('burst_b', {}, () => ({ content: [] }));
      await waitFor(() => count('tools') === 3, 'one coalesced tools/list_changed');

      const p = std.mcp.prompt('runtime_prompt', {}, () => ({ messages: [] }));
      await waitFor(() => count('prompts') === 1, 'prompts/list_changed');
      const r = std.mcp.resource('runtime_resource', 'test://runtime', {}, (uri) => ({ contents: [{ uri, text: 'x' }] }));
      await waitFor(() => count('resources') === 1, 'resources/list_changed');
      a.remove();
      b.remove();
      p.remove();
      r.remove();
      await waitFor(() => count('tools') === 4 && count('prompts') === 2 && count('resources') === 2, 'list_changed after the removals');
      await new Promise((res) => setTimeout(res, 50));
      expect(seen.filter((x) => x === 'tools')).toHaveLength(4);

      const changed = c.wire.received.filter((m) => String(m.message.method).endsWith('/list_changed'));
      expect(changed.length).toBe(8);
      for (const m of changed) expect(m.via).toBe('GET');
    } finally {
      await c.close();
    }
    await expectIdle(std.mcp);
    expect(stdErrors).toEqual([]);
  });
});

describe('after every client closed', () => {
  it('the server holds nothing and every server message matched the schema', async () => {
    await expectIdle(s.mcp);
    expect(violations).toEqual([]);
    expect(serverErrors).toEqual([]);
  });
});

