/**
 * The "everything" server: every tool, resource and prompt the official MCP conformance suite expects
 * (../../../shared/conformance/README.md §3.1 for 2025 sessions, §3.2 for the stateless 2026-07-28 wire, §3.3 for the
 * 2026 tasks extension), written
 * with the public API as a user would.
 * Other examples (one per runtime) reuse `createEverything()`; `createStatelessEverything()` is the same server on
 * 2026-07-28 alone.
 */
import { McpError, createMcp, createStatelessMcp, inputRequired, withListen, withResourceTemplates, withTasks, withValibotJsonSchema } from '@x/mcp-core';
import type { CallToolResult, CreateMessageParams, CreateMessageResult, ElicitParams, ElicitResult, HandlerContext, Mcp, McpOptions, StatelessMcpOptions } from '@x/mcp-core';
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
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A tool result with one text item. */
const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });

/** The text of a sampling answer. */
const sampledText = (r: CreateMessageResult): string => {
  const c = r.content as { type?: unknown; text?: unknown } | undefined;
  return c?.type === 'text' && typeof c.text === 'string' ? c.text : JSON.stringify(r.content);
};

/** Whether an MRTR answer is an elicitation result (MRTR-06: anything else is asked again). */
const isElicitResult = (x: unknown): x is ElicitResult =>
  isObject(x) && (x.action === 'accept' || x.action === 'decline' || x.action === 'cancel') && (x.content === undefined || isObject(x.content));

/** A form elicitation asking for one string field. */
const askFor = (message: string, field: string, description: string): ElicitParams => ({
  message,
  requestedSchema: { type: 'object', properties: { [field]: { type: 'string', description } }, required: [field] },
});

const ASK_NAME = askFor('What is your name?', 'name', 'Your name');
const ASK_CONFIRM: ElicitParams = {
  message: 'Please confirm to continue',
  requestedSchema: { type: 'object', properties: { ok: { type: 'boolean', description: 'Confirm' } }, required: ['ok'] },
};
const ASK_CAPITAL: CreateMessageParams = {
  messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
  maxTokens: 100,
};

/** The accepted `name` of an elicitation answer, for a greeting. */
const nameOf = (r: ElicitResult): string => (r.action === 'accept' && typeof r.content?.name === 'string' ? r.content.name : `(no name: ${r.action})`);

/** Whether the client can answer a form elicitation (`elicitation: {}` means form only; MRTR-03). */
const declaresFormElicitation = (caps: HandlerContext['clientCapabilities']): boolean => {
  const e = caps.elicitation;
  return isObject(e) && (e.form !== undefined || e.url === undefined);
};

/**
 * Builds the everything server.
 * @param options Overrides for createMcp (limits, allowlists, stores).
 * @param create What builds it: `createMcp` (both eras), or a 2026-07-28-only server such as {@link createStatelessEverything}'s.
 * @returns The server.
 */
export function createEverything(options: Partial<McpOptions> = {}, create: (options: McpOptions) => Mcp = createMcp): Mcp {
  const mcp = create({
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

  // ---- the 2026-07-28 (stateless) fixture, README §3.2 ------------------------------------------------------------
  // Every tool also works on a 2025 session: ctx.elicit/sample/listRoots become server-to-client requests there, and
  // a returned inputRequired() is asked by the server, which then runs the handler again with the answers.

  // M-04: needs sampling. A 2026 request that did not declare it gets -32021 { requiredCapabilities: { sampling: {} } }.
  mcp.tool('test_missing_capability', { description: 'Needs the client sampling capability (refused with -32021 when the request did not declare it)' }, async (_a, ctx) => {
    const r = await ctx.sample(ASK_CAPITAL, { key: 'capital_question' });
    return text(`LLM response: ${sampledText(r)}`);
  });

  // MH-03, M-07: only notifications about this request go on its stream (progress with a token, logs with a level);
  // the question is an input-required result on 2026, never a server-to-client request.
  mcp.tool('test_streaming_elicitation', { description: 'Streams progress and a log line, then asks the user to confirm' }, async (_a, ctx) => {
    ctx.progress(0, 2, 'Preparing the question');
    ctx.log.info('Asking the user to confirm');
    const r = await ctx.elicit(ASK_CONFIRM, { key: 'confirmation' });
    ctx.progress(2, 2, 'Answered');
    return text(`Elicitation answered: action=${r.action}, content=${JSON.stringify(r.content ?? {})}`);
  });

  // LOG-02: on 2026 nothing goes out unless the request's _meta set io.modelcontextprotocol/logLevel.
  mcp.tool('test_logging_tool', { description: 'Logs three messages (sent only when the request asked for a log level)' }, async (_a, ctx) => {
    ctx.log.info('Logging tool started');
    await sleep(20, ctx.signal);
    ctx.log.info('Logging tool working');
    await sleep(20, ctx.signal);
    ctx.log.info('Logging tool finished');
    return text('Logging tool completed');
  });

  // SUB-04: list_changed on the bus reaches the listen streams that asked for it (and 2025 sessions). Published
  // rather than made by changing the lists: a list never varies as a side effect of a request (M-08).
  mcp.tool('test_trigger_tool_change', { description: 'Announces notifications/tools/list_changed' }, async () => {
    await mcp.publish({ type: 'tools/list_changed' });
    return text('Announced tools/list_changed');
  });

  mcp.tool('test_trigger_prompt_change', { description: 'Announces notifications/prompts/list_changed' }, async () => {
    await mcp.publish({ type: 'prompts/list_changed' });
    return text('Announced prompts/list_changed');
  });

  // MRTR (SEP-2322, checklist §6.4): the first call answers input_required, the retry with inputResponses completes.
  mcp.tool('test_input_required_result_elicitation', { description: 'Asks the user for their name (input key user_name), then greets them' }, async (_a, ctx) => {
    const r = await ctx.elicit(ASK_NAME, { key: 'user_name' });
    return text(`Hello, ${nameOf(r)}!`);
  });

  mcp.tool('test_input_required_result_sampling', { description: 'Asks the client model a question (input key capital_question)' }, async (_a, ctx) => {
    const r = await ctx.sample(ASK_CAPITAL, { key: 'capital_question' });
    return text(`LLM response: ${sampledText(r)}`);
  });

  mcp.tool('test_input_required_result_list_roots', { description: 'Asks the client for its roots (input key client_roots)' }, async (_a, ctx) => {
    const { roots } = await ctx.listRoots({ key: 'client_roots' });
    return text(`Client roots: ${roots.map((r) => r.uri).join(', ') || '(none)'}`);
  });

  // MRTR-05: the handler's own state travels sealed; the retry gets it back verified as ctx.requestState.
  mcp.tool(
    'test_input_required_result_request_state',
    { description: 'Asks for confirmation (input key confirm) with its own requestState; answers state-ok when that state comes back intact' },
    (_a, ctx) => {
      const answer = ctx.inputResponses?.confirm;
      const state = ctx.requestState;
      if (state === undefined || !isElicitResult(answer)) {
        return inputRequired({
          requests: { confirm: { method: 'elicitation/create', params: ASK_CONFIRM } },
          state: { tool: 'test_input_required_result_request_state', round: 1 },
        });
      }
      const ok = isObject(state) && state.tool === 'test_input_required_result_request_state' && state.round === 1;
      return ok
        ? text(`state-ok: the requestState came back intact (action=${answer.action})`)
        : { content: [{ type: 'text', text: `requestState did not match: ${JSON.stringify(state)}` }], isError: true };
    },
  );

  // MRTR-02: several questions in one round (asked together, so all three are recorded before the run stops).
  mcp.tool('test_input_required_result_multiple_inputs', { description: 'Asks for elicitation, sampling and roots in one round' }, async (_a, ctx) => {
    const [name, capital, { roots }] = await Promise.all([
      ctx.elicit(ASK_NAME, { key: 'user_name' }),
      ctx.sample(ASK_CAPITAL, { key: 'capital_question' }),
      ctx.listRoots({ key: 'client_roots' }),
    ]);
    return text(`Name: ${nameOf(name)}; model: ${sampledText(capital)}; roots: ${roots.map((r) => r.uri).join(', ') || '(none)'}`);
  });

  // MRTR-04: two rounds; the first answer rides in the (changed) requestState of the second round.
  mcp.tool('test_input_required_result_multi_round', { description: 'Asks two questions in two rounds (input keys step1, then step2)' }, async (_a, ctx) => {
    const step1 = await ctx.elicit(askFor('Step 1: what is your name?', 'name', 'Your name'), { key: 'step1' });
    const step2 = await ctx.elicit(askFor('Step 2: what is your favourite colour?', 'color', 'Your favourite colour'), { key: 'step2' });
    return text(`Step 1: ${JSON.stringify(step1.content ?? {})}; step 2: ${JSON.stringify(step2.content ?? {})}`);
  });

  // MRTR-05: a modified requestState is refused by the server before the handler runs (-32602).
  mcp.tool('test_input_required_result_tampered_state', { description: 'Asks for confirmation with an integrity-protected requestState' }, (_a, ctx) => {
    if (ctx.requestState === undefined || !isElicitResult(ctx.inputResponses?.confirm)) {
      return inputRequired({
        requests: { confirm: { method: 'elicitation/create', params: ASK_CONFIRM } },
        state: { tool: 'test_input_required_result_tampered_state' },
      });
    }
    return text('The requestState was verified');
  });

  // MRTR-03: asks only for what the request declared; a client that declared none of the three gets a plain result.
  mcp.tool('test_input_required_result_capabilities', { description: 'Asks only for the inputs the client declared (elicitation, sampling, roots)' }, async (_a, ctx) => {
    const caps = ctx.clientCapabilities;
    const asks: Promise<string>[] = [];
    if (declaresFormElicitation(caps)) asks.push(ctx.elicit(ASK_NAME, { key: 'user_name' }).then((r) => `name: ${nameOf(r)}`));
    if (isObject(caps.sampling)) asks.push(ctx.sample(ASK_CAPITAL, { key: 'capital_question' }).then((r) => `model: ${sampledText(r)}`));
    if (isObject(caps.roots)) asks.push(ctx.listRoots({ key: 'client_roots' }).then((r) => `roots: ${r.roots.length}`));
    if (asks.length === 0) return text('The client declared none of elicitation, sampling and roots: nothing to ask');
    return text((await Promise.all(asks)).join('; '));
  });

  // HDR-06: `region` is mirrored in the Mcp-Param-Region header on the 2026 wire.
  mcp.tool(
    'test_x_mcp_header',
    { description: 'Echoes its region argument, mirrored in the Mcp-Param-Region header', inputSchema: v.object({ region: v.string() }), headers: { region: 'Region' } },
    ({ region }) => text(`Region: ${region}`),
  );

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

  // MRTR on prompts/get (MRTR-01).
  mcp.prompt('test_input_required_result_prompt', { description: 'Asks the user for context (input key user_context), then renders it' }, async (_args, ctx) => {
    const r = await ctx.elicit(askFor('What context should the prompt use?', 'context', 'Context for the prompt'), { key: 'user_context' });
    const context = r.action === 'accept' && typeof r.content?.context === 'string' ? r.content.context : `(no context: ${r.action})`;
    return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with context: ${context}` } }] };
  });

  // The tasks extension fixture (conformance README §3.3): on a 2026-07-28 request that declares
  // extensions["io.modelcontextprotocol/tasks"], these calls answer with a task handle and run on.
  mcp.tool(
    'greet',
    { description: 'Greets by name, always at once (never a task)', inputSchema: v.object({ name: v.string() }) },
    ({ name }) => text(`Hello, ${name}!`),
  );
  mcp.tool(
    'slow_compute',
    {
      description: 'Works for `seconds` seconds, 0 to 600 (a task when the client supports tasks), reporting its progress as the status message',
      // Bounded: an unbounded number (1e308) would keep it working until cancelled.
      inputSchema: v.object({ seconds: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(600)), 1), label: v.optional(v.string()) }),
      task: { support: 'optional', pollIntervalMs: 200 },
    },
    async ({ seconds, label }, ctx) => {
      const steps = Math.max(0, Math.ceil(seconds * 10));
      for (let i = 0; i < steps; i++) {
        if (i % 10 === 0) ctx.reportStatus(`${i / 10} of ${seconds} s`);
        await sleep(100, ctx.signal);
      }
      return text(`Computed for ${seconds} s${label === undefined ? '' : ` (${label})`}`);
    },
  );
  mcp.tool(
    'failing_job',
    { description: 'A task that ends with a tool error (isError)', task: { support: 'required', pollIntervalMs: 200 } },
    async (_args, ctx) => {
      await sleep(300, ctx.signal);
      return { content: [{ type: 'text', text: 'The job failed: the input was rejected' }], isError: true };
    },
  );
  mcp.tool(
    'protocol_error_job',
    { description: 'A task that fails with a protocol error', task: { support: 'required', pollIntervalMs: 200 } },
    async (_args, ctx) => {
      await sleep(300, ctx.signal);
      throw new McpError(-32603, 'The job could not run: its backend is unavailable');
    },
  );
  mcp.tool(
    'confirm_delete',
    {
      description: 'Deletes a file after the user confirms (the task waits for input)',
      inputSchema: v.object({ filename: v.string() }),
      task: { support: 'required', pollIntervalMs: 200 },
    },
    async ({ filename }, ctx) => {
      const r = await ctx.elicit(
        { message: `Delete ${filename}?`, requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', description: 'Delete it' } }, required: ['confirm'] } },
        { key: 'confirm' },
      );
      const yes = r.action === 'accept' && r.content?.confirm === true;
      return text(yes ? `Deleted ${filename}` : `Kept ${filename}`);
    },
  );
  mcp.tool(
    'multi_input',
    { description: 'Asks for a name and a confirmation at once (the task waits for both)', task: { support: 'required', pollIntervalMs: 200 } },
    async (_args, ctx) => {
      const [who, ok] = await Promise.all([
        ctx.elicit(ASK_NAME, { key: 'name' }),
        ctx.elicit({ message: 'Go ahead?', requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] } }, { key: 'confirm' }),
      ]);
      return text(`Hello ${nameOf(who)}; confirmed: ${ok.action === 'accept'}`);
    },
  );
  mcp.tool(
    'test_tool_with_task',
    {
      description: 'Asks for a name in the request (MRTR), then runs as a task that greets',
      task: { support: 'required', start: 'explicit', pollIntervalMs: 200 },
    },
    async (_args, ctx) => {
      const who = await ctx.elicit(ASK_NAME, { key: 'user_name' });
      await ctx.startTask();
      await sleep(200, ctx.signal);
      return text(`Hello, ${nameOf(who)}!`);
    },
  );

  return mcp;
}

/**
 * The everything server with no 2025 sessions: protocol 2026-07-28 alone (`createStatelessMcp`), with every feature
 * that path has. `EVERYTHING_STATELESS=1 pnpm start` serves it, for the 2026 conformance runs.
 * @param options Overrides (limits, allowlists, stores).
 * @returns The server.
 */
export function createStatelessEverything(options: Partial<StatelessMcpOptions> = {}): Mcp {
  return createEverything(options as Partial<McpOptions>, (o) =>
    createStatelessMcp({ ...o, features: [withTasks, withListen, withResourceTemplates, withValibotJsonSchema] }),
  );
}
