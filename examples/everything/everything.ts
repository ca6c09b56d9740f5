/**
 * The "everything" server: every tool, resource and prompt the official MCP conformance suite expects
 * (../../../shared/conformance/README.md §3.1), written with the public API as a user would.
 * Other examples (one per runtime) reuse `createEverything()`.
 */
import { createMcp } from '@x/mcp-core';
import type { Mcp, McpOptions } from '@x/mcp-core';
import * as v from 'valibot';

/** A 1×1 transparent PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A tiny valid WAV file (8 kHz, 8-bit mono, 8 samples of silence), built rather than pasted. */
function silentWav(): string {
  const samples = 8;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, 8000, true); // sample rate
  view.setUint32(28, 8000, true); // byte rate
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44); // 8-bit silence
  return btoa(String.fromCharCode(...bytes));
}
const WAV = silentWav();

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * Builds the everything server.
 * @param options Overrides for createMcp (limits, allowlists, stores).
 * @returns The server.
 */
export function createEverything(options: Partial<McpOptions> = {}): Mcp {
  const mcp = createMcp({
    name: 'x-mcp-everything',
    version: '0.1.0',
    title: '@x/mcp everything example',
    instructions: 'A test server exposing every MCP feature the conformance suite checks.',
    ...options,
  });

  // ---- tools -------------------------------------------------------------------------------------
  mcp.tool('test_simple_text', { description: 'Returns a simple text response' }, () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));

  mcp.tool('test_image_content', { description: 'Returns an image' }, () => ({
    content: [{ type: 'image', data: PNG, mimeType: 'image/png' }],
  }));

  mcp.tool('test_audio_content', { description: 'Returns audio' }, () => ({
    content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }],
  }));

  mcp.tool('test_embedded_resource', { description: 'Returns an embedded resource' }, () => ({
    content: [
      { type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } },
    ],
  }));

  mcp.tool('test_multiple_content_types', { description: 'Returns text, an image and a resource' }, () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) },
      },
    ],
  }));

  mcp.tool('test_tool_with_logging', { description: 'Logs three messages while running' }, async (_args, ctx) => {
    ctx.log.info('Tool execution started');
    await sleep(50, ctx.signal);
    ctx.log.info('Tool processing data');
    await sleep(50, ctx.signal);
    ctx.log.info('Tool execution completed');
    return { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] };
  });

  mcp.tool('test_tool_with_progress', { description: 'Reports progress 0, 50, 100 of 100' }, async (_args, ctx) => {
    for (const p of [0, 50, 100]) {
      ctx.progress(p, 100, `Completed step ${p / 50 + 1} of 3`);
      if (p < 100) await sleep(50, ctx.signal);
    }
    return { content: [{ type: 'text', text: 'Progress tool completed' }] };
  });

  mcp.tool('test_error_handling', { description: 'Always fails with a tool error' }, () => {
    throw new Error('This tool intentionally returns an error for testing');
  });

  mcp.tool(
    'test_sampling',
    { description: 'Asks the client to sample an LLM', inputSchema: v.object({ prompt: v.string() }) },
    async ({ prompt }, ctx) => {
      const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
      const content = r.content as { type: string; text?: string };
      return { content: [{ type: 'text', text: `LLM response: ${content.type === 'text' ? content.text : JSON.stringify(content)}` }] };
    },
  );

  mcp.tool(
    'test_elicitation',
    { description: 'Asks the user for input', inputSchema: v.object({ message: v.string() }) },
    async ({ message }, ctx) => {
      const r = await ctx.elicit({
        message,
        requestedSchema: {
          type: 'object',
          properties: { username: { type: 'string', description: 'Your username' }, email: { type: 'string', description: 'Your email' } },
          required: ['username', 'email'],
        },
      });
      return { content: [{ type: 'text', text: `User response: action=${r.action}, content=${JSON.stringify(r.content ?? {})}` }] };
    },
  );

  mcp.tool('test_elicitation_sep1034_defaults', { description: 'Elicitation with default values (SEP-1034)' }, async (_a, ctx) => {
    const r = await ctx.elicit({
      message: 'Please review and update the form fields with defaults',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      },
    });
    return { content: [{ type: 'text', text: `Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}` }] };
  });

  mcp.tool('test_elicitation_sep1330_enums', { description: 'Elicitation with every enum shape (SEP-1330)' }, async (_a, ctx) => {
    // Titled (oneOf) and multi-select (array) fields exist from 2025-11-25; older clients get the plain enums only.
    const modern = ctx.protocolVersion >= '2025-11-25';
    const properties: Record<string, unknown> = {
      untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
      legacyEnum: {
        type: 'string',
        description: 'Select one option (legacy)',
        enum: ['opt1', 'opt2', 'opt3'],
        enumNames: ['Option One', 'Option Two', 'Option Three'],
      },
    };
    const r = await ctx.elicit({
      message: 'Please select options from the enum fields',
      requestedSchema: {
        type: 'object',
        properties: !modern ? properties : {
          untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
          titledSingle: {
            type: 'string',
            description: 'Select one option with titles',
            oneOf: [
              { const: 'value1', title: 'First Option' },
              { const: 'value2', title: 'Second Option' },
              { const: 'value3', title: 'Third Option' },
            ],
          },
          legacyEnum: {
            type: 'string',
            description: 'Select one option (legacy)',
            enum: ['opt1', 'opt2', 'opt3'],
            enumNames: ['Option One', 'Option Two', 'Option Three'],
          },
          untitledMulti: {
            type: 'array',
            description: 'Select multiple options',
            minItems: 1,
            maxItems: 3,
            items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
          },
          titledMulti: {
            type: 'array',
            description: 'Select multiple options with titles',
            minItems: 1,
            maxItems: 3,
            items: {
              anyOf: [
                { const: 'value1', title: 'First Choice' },
                { const: 'value2', title: 'Second Choice' },
                { const: 'value3', title: 'Third Choice' },
              ],
            },
          },
        },
        required: [],
      },
    });
    return { content: [{ type: 'text', text: `Elicitation completed: action=${r.action}, content=${JSON.stringify(r.content ?? {})}` }] };
  });

  // A raw JSON Schema (2020-12) is published unchanged.
  mcp.tool(
    'json_schema_2020_12_tool',
    {
      description: 'A tool whose input schema uses JSON Schema 2020-12 keywords',
      inputSchema: {
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
      },
    },
    (args) => ({ content: [{ type: 'text', text: `Received: ${JSON.stringify(args)}` }] }),
  );

  // SSE polling (RSM-06): end the HTTP stream mid-call; the client resumes with Last-Event-ID and gets the result.
  mcp.tool('test_reconnection', { description: 'Closes its SSE stream mid-call, then answers after the client reconnects' }, async (_a, ctx) => {
    ctx.closeStream(100);
    await sleep(200, ctx.signal);
    return { content: [{ type: 'text', text: 'Reconnection test completed' }] };
  });

  // ---- resources ---------------------------------------------------------------------------------
  mcp.resource('static-text', 'test://static-text', { title: 'Static text', description: 'A static text resource', mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }));

  mcp.resource('static-binary', 'test://static-binary', { title: 'Static binary', description: 'A static PNG', mimeType: 'image/png' }, (uri) => ({
    contents: [{ uri, mimeType: 'image/png', blob: PNG }],
  }));

  mcp.resource('watched-resource', 'test://watched-resource', { description: 'Subscribe to hear when it changes', mimeType: 'text/plain' }, (uri) => ({
    contents: [{ uri, mimeType: 'text/plain', text: `Watched resource content at ${new Date().toISOString()}` }],
  }));

  mcp.resourceTemplate(
    'template',
    'test://template/{id}/data',
    {
      description: 'A resource template with one parameter',
      mimeType: 'application/json',
      complete: { id: (value) => ['1', '2', '3', '123'].filter((id) => id.startsWith(value)) },
    },
    (uri, { id }) => ({
      contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }),
  );

  // ---- prompts -----------------------------------------------------------------------------------
  mcp.prompt('test_simple_prompt', { description: 'A simple prompt without arguments' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }],
  }));

  mcp.prompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two required arguments',
      arguments: [
        { name: 'arg1', description: 'First test argument', required: true, complete: (value) => ['paris', 'park', 'parrot'].filter((w) => w.startsWith(value)) },
        { name: 'arg2', description: 'Second test argument', required: true },
      ],
    },
    ({ arg1, arg2 }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }],
    }),
  );

  mcp.prompt(
    'test_prompt_with_embedded_resource',
    { description: 'A prompt with an embedded resource', arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }] },
    ({ resourceUri }) => ({
      messages: [
        { role: 'user', content: { type: 'resource', resource: { uri: resourceUri!, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ],
    }),
  );

  mcp.prompt('test_prompt_with_image', { description: 'A prompt with an image' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  }));

  return mcp;
}
