/**
 * Method handlers, driven in-process through createMcp + handle (no sockets).
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { testServers } from '../../test-support/servers';
import { URL_, openSession, post } from '../../test-support/http';
import type { Mcp } from '../mcp';
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Session {
  mcp: Mcp;
  sid: string;
  version: string;
}

const server = testServers();

const open = async (mcp: Mcp, version?: string, capabilities?: Record<string, unknown>): Promise<Session> => ({
  mcp,
  ...(await openSession(mcp, version, capabilities)),
});

interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const frame of text.split('\n\n')) {
    if (frame === '') continue;
    const e: SseEvent = { data: '' };
    const data: string[] = [];
    let hasField = false;
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue;
      hasField = true;
      if (line.startsWith('id: ')) e.id = line.slice(4);
      else if (line.startsWith('retry: ')) e.retry = Number(line.slice(7));
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (!hasField) continue;
    e.data = data.join('\n');
    out.push(e);
  }
  return out;
}

/** Every JSON-RPC message of a POST answer, JSON or SSE (the priming event skipped). */
async function messages(res: Response): Promise<Json[]> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (type.startsWith('application/json')) return [JSON.parse(text)];
  return parseSse(text)
    .filter((e) => e.data !== '')
    .map((e) => JSON.parse(e.data));
}

let nextId = 1;
/** Sends one request in the session; returns the response message and everything before it. */
async function request(s: Session, method: string, params?: Record<string, unknown>): Promise<{ response: Json; related: Json[]; res: Response }> {
  const id = nextId++;
  const res = await s.mcp.handle(
    post(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params }, {
      'mcp-session-id': s.sid,
      'mcp-protocol-version': s.version,
    }),
  );
  const all = await messages(res.clone());
  const response = all.find((m) => m.id === id && ('result' in m || 'error' in m));
  expect(response, `no response to ${method}: ${JSON.stringify(all)}`).toBeDefined();
  return { response, related: all.filter((m) => m !== response), res };
}

const result = async (s: Session, method: string, params?: Record<string, unknown>): Promise<Json> => {
  const { response } = await request(s, method, params);
  expect(response.error, JSON.stringify(response.error)).toBeUndefined();
  return response.result;
};

const error = async (s: Session, method: string, params?: Record<string, unknown>): Promise<Json> => {
  const { response } = await request(s, method, params);
  expect(response.result, JSON.stringify(response.result)).toBeUndefined();
  return response.error;
};

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

describe('ping and lists (LC-07, TOOL-01)', () => {
  it('answers ping with {}', async () => {
    const s = await open(server());
    expect(await result(s, 'ping')).toEqual({});
  });

  it('lists tools with their wire shape', async () => {
    const mcp = server();
    mcp.tool('echo', { description: 'Echo', inputSchema: v.object({ text: v.string() }) }, ({ text: t }) => text(t));
    const s = await open(mcp);
    const r = await result(s, 'tools/list');
    expect(r.tools).toHaveLength(1);
    expect(r.tools[0]).toMatchObject({ name: 'echo', description: 'Echo', inputSchema: { type: 'object', required: ['text'] } });
    expect(r.nextCursor).toBeUndefined();
  });

  it('answers an invalid cursor with -32602 (PAG-01)', async () => {
    const s = await open(server());
    expect((await error(s, 'tools/list', { cursor: 'nope' })).code).toBe(ErrorCode.InvalidParams);
    expect((await error(s, 'prompts/list', { cursor: 'nope' })).code).toBe(ErrorCode.InvalidParams);
    expect((await error(s, 'resources/templates/list', { cursor: 'nope' })).code).toBe(ErrorCode.InvalidParams);
  });

  it('answers an unknown method with -32601 (JR-08)', async () => {
    const s = await open(server());
    expect((await error(s, 'tools/frobnicate')).code).toBe(ErrorCode.MethodNotFound);
  });
});

describe('tools/call (TOOL-03, TOOL-05, TRAP-27)', () => {
  const withEcho = () => {
    const mcp = server();
    mcp.tool('echo', { inputSchema: v.object({ text: v.string(), count: v.optional(v.number()) }) }, ({ text: t }) => text(t));
    return mcp;
  };

  it('validates arguments and calls the handler with the parsed value', async () => {
    const s = await open(withEcho());
    expect(await result(s, 'tools/call', { name: 'echo', arguments: { text: 'hi' } })).toEqual(text('hi'));
  });

  it('2025-11-25: an argument validation failure is an isError result with JSON-pointer errors', async () => {
    const s = await open(withEcho(), '2025-11-25');
    const r = await result(s, 'tools/call', { name: 'echo', arguments: { text: 5, count: 'x' } });
    expect(r.isError).toBe(true);
    expect(r.content[0].type).toBe('text');
    expect(r.content[0].text).toContain('echo');
    const paths = r.structuredContent.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/arguments/count', '/arguments/text']);
    for (const e of r.structuredContent.errors) expect(typeof e.message).toBe('string');
  });

  it('2025-06-18: an argument validation failure is a -32602 protocol error with the pointers in data', async () => {
    const s = await open(withEcho(), '2025-06-18');
    const e = await error(s, 'tools/call', { name: 'echo', arguments: { text: 5 } });
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain('/arguments/text');
    expect(e.data.errors[0].path).toBe('/arguments/text');
  });

  it('validates missing arguments as {} (a required property is reported)', async () => {
    const s = await open(withEcho(), '2025-11-25');
    const r = await result(s, 'tools/call', { name: 'echo' });
    expect(r.isError).toBe(true);
    expect(r.structuredContent.errors[0].path).toBe('/arguments/text');
  });

  it('validates with a raw JSON Schema too', async () => {
    const mcp = server();
    mcp.tool('raw', { inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } }, (a) => text(String(a.n)));
    const s = await open(mcp, '2025-11-25');
    expect(await result(s, 'tools/call', { name: 'raw', arguments: { n: 3 } })).toEqual(text('3'));
    const bad = await result(s, 'tools/call', { name: 'raw', arguments: { n: 'three' } });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent.errors[0].path).toBe('/arguments/n');
  });

  it('answers an unknown tool with -32602 in every revision (TRAP-27)', async () => {
    for (const version of ['2025-11-25', '2025-06-18']) {
      const s = await open(server(), version);
      const e = await error(s, 'tools/call', { name: 'missing' });
      expect(e.code).toBe(ErrorCode.InvalidParams);
      expect(e.data).toEqual({ name: 'missing' });
    }
  });

  it('answers malformed tools/call params with -32602 naming the field', async () => {
    const s = await open(withEcho());
    const e = await error(s, 'tools/call', { arguments: {} });
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain('/name');
  });

  it('turns an McpError thrown by a tool into a JSON-RPC error with its code and data', async () => {
    const mcp = server();
    mcp.tool('strict', {}, () => {
      throw new McpError(ErrorCode.UrlElicitationRequired, 'Need a URL elicitation', { elicitations: [] });
    });
    const s = await open(mcp);
    expect(await error(s, 'tools/call', { name: 'strict' })).toEqual({ code: -32042, message: 'Need a URL elicitation', data: { elicitations: [] } });
  });

  it('turns an async McpError rejection into a JSON-RPC error too', async () => {
    const mcp = server();
    mcp.tool('strict', {}, async () => {
      await Promise.resolve();
      throw new McpError(-32000 - 5, 'custom');
    });
    const s = await open(mcp);
    expect(await error(s, 'tools/call', { name: 'strict' })).toEqual({ code: -32005, message: 'custom' });
  });

  it('turns a plain Error thrown by a tool into an isError result with its message (TOOL-05)', async () => {
    const mcp = server();
    mcp.tool('boom', {}, () => {
      throw new Error('disk full');
    });
    mcp.tool('boom-empty', {}, () => {
      throw new Error('');
    });
    mcp.tool('boom-string', {}, () => {
      throw 'just a string';
    });
    const s = await open(mcp);
    expect(await result(s, 'tools/call', { name: 'boom' })).toEqual({ content: [{ type: 'text', text: 'disk full' }], isError: true });
    expect((await result(s, 'tools/call', { name: 'boom-empty' })).content[0].text).toBe('Tool execution failed');
    expect((await result(s, 'tools/call', { name: 'boom-string' })).content[0].text).toBe('just a string');
  });

  it('answers -32603 when a tool returns no content array', async () => {
    const mcp = server();
    mcp.tool('bad', {}, () => ({ nope: true }) as never);
    const s = await open(mcp);
    expect((await error(s, 'tools/call', { name: 'bad' })).code).toBe(ErrorCode.InternalError);
  });
});

describe('tools/call outputSchema enforcement (TOOL-04)', () => {
  const withOutput = (impl: () => Json) => {
    const mcp = server();
    mcp.tool('out', { outputSchema: v.object({ n: v.number() }) }, impl);
    return mcp;
  };

  it('passes a conforming structuredContent through', async () => {
    const s = await open(withOutput(() => ({ content: [{ type: 'text', text: '{"n":1}' }], structuredContent: { n: 1 } })));
    expect((await result(s, 'tools/call', { name: 'out' })).structuredContent).toEqual({ n: 1 });
  });

  it('answers -32603 when structuredContent is missing', async () => {
    const s = await open(withOutput(() => text('no structure')));
    const e = await error(s, 'tools/call', { name: 'out' });
    expect(e.code).toBe(ErrorCode.InternalError);
    expect(e.message).toContain('TOOL-04');
  });

  it('answers -32603 with the issues when structuredContent does not match', async () => {
    const s = await open(withOutput(() => ({ content: [], structuredContent: { n: 'one' } })));
    const e = await error(s, 'tools/call', { name: 'out' });
    expect(e.code).toBe(ErrorCode.InternalError);
    expect(e.data.errors[0].path).toBe('/structuredContent/n');
  });

  it('does not enforce the schema on an isError result', async () => {
    const s = await open(withOutput(() => ({ content: [{ type: 'text', text: 'failed' }], isError: true })));
    expect(await result(s, 'tools/call', { name: 'out' })).toEqual({ content: [{ type: 'text', text: 'failed' }], isError: true });
  });

  it('lists the outputSchema', async () => {
    const s = await open(withOutput(() => text('')));
    expect((await result(s, 'tools/list')).tools[0].outputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });
});

describe('resources (RES-01, RES-02, ERR-02)', () => {
  const withResources = () => {
    const mcp = server();
    mcp.resource('readme', 'file:///readme.md', { mimeType: 'text/markdown' }, (uri) => ({ contents: [{ uri, text: '# Hi' }] }));
    mcp.resourceTemplate('user', 'users://{id}/profile', { description: 'A user' }, (uri, vars) => ({
      contents: [{ uri, text: JSON.stringify(vars) }],
    }));
    return mcp;
  };

  it('reads a fixed resource', async () => {
    const s = await open(withResources());
    expect(await result(s, 'resources/read', { uri: 'file:///readme.md' })).toEqual({ contents: [{ uri: 'file:///readme.md', text: '# Hi' }] });
  });

  it('reads through a matching template, passing the variables', async () => {
    const s = await open(withResources());
    const r = await result(s, 'resources/read', { uri: 'users://42/profile' });
    expect(r.contents[0].uri).toBe('users://42/profile');
    expect(JSON.parse(r.contents[0].text)).toEqual({ id: '42' });
  });

  it('prefers a fixed resource over a template that also matches', async () => {
    const mcp = withResources();
    mcp.resource('admin', 'users://admin/profile', {}, (uri) => ({ contents: [{ uri, text: 'fixed' }] }));
    const s = await open(mcp);
    expect((await result(s, 'resources/read', { uri: 'users://admin/profile' })).contents[0].text).toBe('fixed');
  });

  it('answers an unknown URI with -32002 and data.uri (ERR-02)', async () => {
    const s = await open(withResources());
    const e = await error(s, 'resources/read', { uri: 'users://42/settings' });
    expect(e.code).toBe(ErrorCode.ResourceNotFound);
    expect(e.code).toBe(-32002);
    expect(e.data).toEqual({ uri: 'users://42/settings' });
  });

  it('answers resources/read without a uri with -32602', async () => {
    const s = await open(withResources());
    expect((await error(s, 'resources/read', {})).code).toBe(ErrorCode.InvalidParams);
  });

  it('lists resources and templates', async () => {
    const s = await open(withResources());
    expect(await result(s, 'resources/list')).toEqual({ resources: [{ uri: 'file:///readme.md', name: 'readme', mimeType: 'text/markdown' }] });
    expect(await result(s, 'resources/templates/list')).toEqual({
      resourceTemplates: [{ uriTemplate: 'users://{id}/profile', name: 'user', description: 'A user' }],
    });
  });

  it('adds the resources a template lists to resources/list, and refuses cursors then', async () => {
    const mcp = withResources();
    mcp.resourceTemplate('doc', 'docs://{name}', { list: () => [{ uri: 'docs://a', name: 'a' }] }, (uri) => ({ contents: [{ uri, text: '' }] }));
    const s = await open(mcp);
    expect((await result(s, 'resources/list')).resources.map((r: { uri: string }) => r.uri)).toEqual(['file:///readme.md', 'docs://a']);
    expect((await error(s, 'resources/list', { cursor: 'x' })).code).toBe(ErrorCode.InvalidParams);
  });
});

describe('prompts (PR-01)', () => {
  const withPrompt = () => {
    const mcp = server();
    mcp.prompt(
      'greet',
      { arguments: [{ name: 'name', required: true }, { name: 'tone', required: true }, { name: 'lang' }] },
      (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hello ${args.name} (${args.tone})` } }] }),
    );
    return mcp;
  };

  it('renders a prompt with its arguments', async () => {
    const s = await open(withPrompt());
    const r = await result(s, 'prompts/get', { name: 'greet', arguments: { name: 'Ada', tone: 'warm' } });
    expect(r.messages[0].content.text).toBe('Hello Ada (warm)');
  });

  it('answers missing required arguments with -32602 naming them', async () => {
    const s = await open(withPrompt());
    const e = await error(s, 'prompts/get', { name: 'greet', arguments: { lang: 'en' } });
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain('name');
    expect(e.message).toContain('tone');
    expect(e.data).toEqual({ missing: ['name', 'tone'] });
    const one = await error(s, 'prompts/get', { name: 'greet', arguments: { name: 'Ada' } });
    expect(one.data).toEqual({ missing: ['tone'] });
  });

  it('answers an unknown prompt with -32602', async () => {
    const s = await open(withPrompt());
    expect((await error(s, 'prompts/get', { name: 'nope' })).code).toBe(ErrorCode.InvalidParams);
  });

  it('answers non-string argument values with -32602', async () => {
    const s = await open(withPrompt());
    const e = await error(s, 'prompts/get', { name: 'greet', arguments: { name: 1, tone: 'x' } });
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain('/arguments/name');
  });
});

describe('completion/complete (CMP-01)', () => {
  const many = Array.from({ length: 150 }, (_, i) => `v${i}`);
  const withCompleters = () => {
    const mcp = server();
    mcp.prompt(
      'p',
      {
        arguments: [
          { name: 'big', complete: () => many },
          { name: 'small', complete: (value, ctx) => ['alpha', 'alps', 'beta', ctx.arguments.extra ?? ''].filter((x) => x !== '' && x.startsWith(value)) },
          { name: 'none' },
        ],
      },
      () => ({ messages: [] }),
    );
    mcp.resourceTemplate('repo', 'github://{owner}/{repo}', { complete: { owner: (value) => ['octocat', 'openai'].filter((o) => o.startsWith(value)) } }, (uri) => ({
      contents: [{ uri, text: '' }],
    }));
    return mcp;
  };

  it('caps values at 100 and reports total and hasMore', async () => {
    const s = await open(withCompleters());
    const r = await result(s, 'completion/complete', { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'big', value: '' } });
    expect(r.completion.values).toHaveLength(100);
    expect(r.completion.values[0]).toBe('v0');
    expect(r.completion.values[99]).toBe('v99');
    expect(r.completion.total).toBe(150);
    expect(r.completion.hasMore).toBe(true);
  });

  it('reports hasMore false for a short list, and passes the value and context', async () => {
    const s = await open(withCompleters());
    const r = await result(s, 'completion/complete', {
      ref: { type: 'ref/prompt', name: 'p' },
      argument: { name: 'small', value: 'al' },
      context: { arguments: { extra: 'alright' } },
    });
    expect(r).toEqual({ completion: { values: ['alpha', 'alps', 'alright'], total: 3, hasMore: false } });
  });

  it('answers an empty completion for an argument without a completer', async () => {
    const s = await open(withCompleters());
    expect(await result(s, 'completion/complete', { ref: { type: 'ref/prompt', name: 'p' }, argument: { name: 'none', value: 'x' } })).toEqual({
      completion: { values: [], total: 0, hasMore: false },
    });
  });

  it('completes a resource template variable', async () => {
    const s = await open(withCompleters());
    const r = await result(s, 'completion/complete', { ref: { type: 'ref/resource', uri: 'github://{owner}/{repo}' }, argument: { name: 'owner', value: 'oc' } });
    expect(r.completion.values).toEqual(['octocat']);
  });

  it('answers an unknown prompt or template with -32602', async () => {
    const s = await open(withCompleters());
    expect((await error(s, 'completion/complete', { ref: { type: 'ref/prompt', name: 'zzz' }, argument: { name: 'a', value: '' } })).code).toBe(-32602);
    expect((await error(s, 'completion/complete', { ref: { type: 'ref/resource', uri: 'nope://{x}' }, argument: { name: 'x', value: '' } })).code).toBe(-32602);
  });
});

describe('logging/setLevel (LOG-01)', () => {
  it('answers an invalid level with -32602', async () => {
    const s = await open(server());
    const e = await error(s, 'logging/setLevel', { level: 'verbose' });
    expect(e.code).toBe(ErrorCode.InvalidParams);
    expect(e.message).toContain('/level');
  });

  it('answers a valid level with {} and filters log messages below it', async () => {
    const mcp = server();
    mcp.tool('chatty', {}, (_a, ctx) => {
      ctx.log.debug('d');
      ctx.log.info('i');
      ctx.log.warning('w', 'my-logger');
      ctx.log.error({ code: 7 });
      return text('done');
    });
    const s = await open(mcp);
    expect(await result(s, 'logging/setLevel', { level: 'warning' })).toEqual({});
    const { related, response } = await request(s, 'tools/call', { name: 'chatty' });
    expect(response.result).toEqual(text('done'));
    expect(related).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'warning', logger: 'my-logger', data: 'w' } },
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'error', data: { code: 7 } } },
    ]);
  });
});

describe('resources/subscribe and resourceUpdated (RES-03)', () => {
  /** Reads SSE events from a GET stream one at a time. */
  function eventReader(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    return {
      async next(): Promise<SseEvent> {
        for (;;) {
          const at = buf.indexOf('\n\n');
          if (at !== -1) {
            const frame = buf.slice(0, at + 2);
            buf = buf.slice(at + 2);
            const [e] = parseSse(frame);
            if (e !== undefined) return e;
            continue;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buf += decoder.decode(value, { stream: true });
        }
      },
      cancel: () => reader.cancel(),
    };
  }

  it('sends notifications/resources/updated on the GET stream for subscribed URIs only', async () => {
    const mcp = server();
    mcp.resource('a', 'file:///a', {}, (uri) => ({ contents: [{ uri, text: 'a' }] }));
    const s = await open(mcp, '2025-06-18');
    const get = await mcp.handle(new Request(URL_, { headers: { accept: 'text/event-stream', 'mcp-session-id': s.sid, 'mcp-protocol-version': s.version } }));
    expect(get.status).toBe(200);
    const events = eventReader(get.body!);
    expect(await result(s, 'resources/subscribe', { uri: 'file:///a' })).toEqual({});
    mcp.resourceUpdated('file:///not-subscribed');
    mcp.resourceUpdated('file:///a');
    expect(JSON.parse((await events.next()).data)).toEqual({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'file:///a' } });

    expect(await result(s, 'resources/unsubscribe', { uri: 'file:///a' })).toEqual({});
    expect(await result(s, 'resources/subscribe', { uri: 'file:///b' })).toEqual({});
    mcp.resourceUpdated('file:///a');
    mcp.resourceUpdated('file:///b');
    expect(JSON.parse((await events.next()).data).params).toEqual({ uri: 'file:///b' });
    await events.cancel();
  });

  it('answers resources/subscribe without a uri with -32602', async () => {
    const s = await open(server());
    expect((await error(s, 'resources/subscribe', {})).code).toBe(ErrorCode.InvalidParams);
  });
});
