import { checkScopes } from './scopes';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { McpError } from '../errors';
import { RawJson } from '../jsonrpc/serialize';
import { fromValibot } from '../schema/valibot-json-schema';
import { UriTemplate } from '../uri-template/index';
import { Registry } from './registry';
import type { ListKind } from './registry';
import type { CallToolResult } from './types';

const ok = (): CallToolResult => ({ content: [] });
const read = (uri: string) => ({ contents: [{ uri, text: '' }] });

/** A registry and the list of onChange calls. */
function setup(pageSize = 100): { registry: Registry; changes: ListKind[] } {
  const changes: ListKind[] = [];
  const features = { compileTemplate: (t: string) => new UriTemplate(t), valibot: fromValibot, tasks: true };
  return { registry: new Registry(pageSize, (k) => changes.push(k), features), changes };
}

const parse = (raw: RawJson) => JSON.parse(raw.json) as Record<string, unknown> & { nextCursor?: string };

describe('Registry pagination (PAG-01, TOOL-01)', () => {
  it('chains pages of 2 over 5 tools by nextCursor; the last page has none', () => {
    const { registry } = setup(2);
    for (const n of ['t1', 't2', 't3', 't4', 't5']) registry.addTool(n, {}, ok);
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = parse(registry.page('tools', cursor));
      pages++;
      const tools = page.tools as { name: string }[];
      expect(tools.length).toBeLessThanOrEqual(2);
      names.push(...tools.map((t) => t.name));
      cursor = page.nextCursor;
      if (pages === 3) expect('nextCursor' in page).toBe(false);
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(names).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('answers an empty list with one page and no nextCursor', () => {
    const { registry } = setup(2);
    expect(parse(registry.page('tools', undefined))).toEqual({ tools: [] });
    expect(parse(registry.page('prompts', undefined))).toEqual({ prompts: [] });
    expect(parse(registry.page('resources', undefined))).toEqual({ resources: [] });
    expect(parse(registry.page('resourceTemplates', undefined))).toEqual({ resourceTemplates: [] });
  });

  it('gives an exactly full last page no nextCursor', () => {
    const { registry } = setup(2);
    for (const n of ['a', 'b', 'c', 'd']) registry.addTool(n, {}, ok);
    const second = parse(registry.page('tools', parse(registry.page('tools', undefined)).nextCursor));
    expect((second.tools as unknown[]).length).toBe(2);
    expect(second.nextCursor).toBeUndefined();
  });

  it('rejects foreign, garbage and out-of-range cursors with McpError -32602', () => {
    const { registry } = setup(2);
    for (const n of ['a', 'b', 'c']) registry.addTool(n, {}, ok);
    const next = parse(registry.page('tools', undefined)).nextCursor!;
    expect(() => registry.page('tools', next)).not.toThrow();
    for (const cursor of ['garbage', btoa('p:2'), btoa('p:0'), '', 42]) {
      let caught: unknown;
      try {
        registry.page('tools', cursor);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(McpError);
      expect((caught as McpError).code).toBe(-32602);
    }
  });

  it('keeps cursors stable for an unchanged list (the same cursor gives the same page)', () => {
    const { registry } = setup(2);
    for (const n of ['a', 'b', 'c']) registry.addTool(n, {}, ok);
    const next = parse(registry.page('tools', undefined)).nextCursor!;
    expect(registry.page('tools', next)).toBe(registry.page('tools', next));
    expect(parse(registry.page('tools', next)).tools).toEqual([{ name: 'c', inputSchema: { type: 'object', properties: {} } }]);
  });

  it('builds the page JSON once per change: same RawJson twice, a new instance after addTool', () => {
    const { registry } = setup();
    registry.addTool('a', {}, ok);
    const first = registry.page('tools', undefined);
    expect(first).toBeInstanceOf(RawJson);
    expect(registry.page('tools', undefined)).toBe(first);
    registry.addTool('b', {}, ok);
    const second = registry.page('tools', undefined);
    expect(second).not.toBe(first);
    expect(registry.page('tools', undefined)).toBe(second);
    expect((parse(second).tools as unknown[]).length).toBe(2);
  });

  it('does not serialise again on every call (JSON.stringify runs once per build)', () => {
    const { registry } = setup();
    registry.addTool('a', {}, ok);
    const spy = vi.spyOn(JSON, 'stringify');
    try {
      registry.page('tools', undefined);
      const afterBuild = spy.mock.calls.length;
      for (let i = 0; i < 5; i++) registry.page('tools', undefined);
      expect(spy.mock.calls.length).toBe(afterBuild);
    } finally {
      spy.mockRestore();
    }
  });

  it('invalidates only the list that changed', () => {
    const { registry } = setup();
    registry.addTool('a', {}, ok);
    const tools = registry.page('tools', undefined);
    const prompts = registry.page('prompts', undefined);
    const resources = registry.page('resources', undefined);
    const templates = registry.page('resourceTemplates', undefined);
    registry.addPrompt('p', {}, () => ({ messages: [] }));
    expect(registry.page('tools', undefined)).toBe(tools);
    expect(registry.page('resources', undefined)).toBe(resources);
    expect(registry.page('prompts', undefined)).not.toBe(prompts);
    registry.addTemplate('tpl', 'file:///{name}', {}, read);
    expect(registry.page('resources', undefined)).not.toBe(resources);
    expect(registry.page('resourceTemplates', undefined)).not.toBe(templates);
    expect(registry.page('tools', undefined)).toBe(tools);
  });

  it('lists in deterministic insertion order', () => {
    const { registry } = setup();
    const order = ['zeta', 'alpha', 'Mid', 'beta.2', 'beta_1'];
    for (const n of order) registry.addTool(n, {}, ok);
    expect((parse(registry.page('tools', undefined)).tools as { name: string }[]).map((t) => t.name)).toEqual(order);
  });
});

describe('Registry tools (TOOL-02)', () => {
  it('throws on a duplicate tool name', () => {
    const { registry } = setup();
    registry.addTool('dup', {}, ok);
    expect(() => registry.addTool('dup', {}, ok)).toThrow(TypeError);
    expect(() => registry.addTool('dup', {}, ok)).toThrow(/already registered/);
  });

  it.each([
    ['empty', ''],
    ['with a space', 'has space'],
    ['non-ASCII', 'café'],
    ['129 characters', 'a'.repeat(129)],
    ['with a colon', 'ns:tool'],
    ['with a comma', 'a,b'],
  ])('rejects a tool name that is %s (TOOL-02)', (_label, name) => {
    const { registry, changes } = setup();
    expect(() => registry.addTool(name, {}, ok)).toThrow(/TOOL-02/);
    expect(registry.tools.size).toBe(0);
    expect(changes).toEqual([]);
  });

  it('accepts 1-128 characters of letters, digits, _ . -', () => {
    const { registry } = setup();
    for (const name of ['a', 'A'.repeat(128), 'get_weather', 'v1.search', 'kebab-case', '0']) {
      expect(() => registry.addTool(name, {}, ok)).not.toThrow();
    }
  });

  it('gives a tool without inputSchema {type:"object",properties:{}}', () => {
    const { registry } = setup();
    registry.addTool('bare', { description: 'd' }, ok);
    expect(registry.tools.get('bare')!.wire).toEqual({ name: 'bare', description: 'd', inputSchema: { type: 'object', properties: {} } });
    expect(registry.tools.get('bare')!.input).toBeUndefined();
  });

  it('keeps a raw JSON schema as given (same object, nothing added)', () => {
    const { registry } = setup();
    const inputSchema = { type: 'object', properties: { q: { type: 'string', 'x-custom': 1 } }, required: ['q'], additionalProperties: false };
    const outputSchema = { type: 'object', properties: { n: { type: 'number' } } };
    registry.addTool('raw', { inputSchema, outputSchema }, ok);
    const wire = registry.tools.get('raw')!.wire;
    expect(wire.inputSchema).toBe(inputSchema);
    expect(wire.outputSchema).toBe(outputSchema);
    expect((parse(registry.page('tools', undefined)).tools as Record<string, unknown>[])[0]!.inputSchema).toEqual(inputSchema);
  });

  it('converts a valibot schema to JSON Schema for the wire and keeps the schema for validation', () => {
    const { registry } = setup();
    const schema = v.object({ text: v.string() });
    registry.addTool('echo', { inputSchema: schema }, ok);
    const entry = registry.tools.get('echo')!;
    expect(entry.input).toBe(schema);
    expect(entry.wire.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
  });

  it('omits undefined optional members from the wire shape', () => {
    const { registry } = setup();
    registry.addTool('t', { title: undefined, annotations: { readOnlyHint: true } }, ok);
    const wire = registry.tools.get('t')!.wire;
    expect(Object.keys(wire).sort()).toEqual(['annotations', 'inputSchema', 'name']);
  });

  it('calls onChange("tools") once per registration', () => {
    const { registry, changes } = setup();
    registry.addTool('a', {}, ok);
    registry.addTool('b', {}, ok);
    expect(changes).toEqual(['tools', 'tools']);
  });
});

describe('Registry removal', () => {
  it('remove() of a tool registration removes it, rebuilds the page and calls onChange', () => {
    const { registry, changes } = setup();
    const remove = registry.addTool('a', {}, ok);
    registry.addTool('b', {}, ok);
    const before = registry.page('tools', undefined);
    changes.length = 0;
    remove();
    expect(registry.tools.has('a')).toBe(false);
    expect(changes).toEqual(['tools']);
    const after = registry.page('tools', undefined);
    expect(after).not.toBe(before);
    expect((parse(after).tools as { name: string }[]).map((t) => t.name)).toEqual(['b']);
  });

  it('remove() is idempotent: a second call changes nothing', () => {
    const { registry, changes } = setup();
    const remove = registry.addTool('a', {}, ok);
    remove();
    changes.length = 0;
    remove();
    expect(changes).toEqual([]);
  });

  it('a stale remove() does not delete a newer registration under the same name', () => {
    const { registry, changes } = setup();
    const removeOld = registry.addTool('a', {}, ok);
    removeOld();
    const handler = () => ({ content: [{ type: 'text' as const, text: 'new' }] });
    registry.addTool('a', {}, handler);
    changes.length = 0;
    removeOld();
    expect(registry.tools.get('a')!.handler).toBe(handler);
    expect(changes).toEqual([]);
  });

  it('removes resources, templates and prompts, reporting the right list kind', () => {
    const { registry, changes } = setup();
    const r = registry.addResource('readme', 'file:///readme', {}, read);
    const t = registry.addTemplate('files', 'file:///{path}', {}, read);
    const p = registry.addPrompt('greet', {}, () => ({ messages: [] }));
    expect(changes).toEqual(['resources', 'resources', 'prompts']);
    changes.length = 0;
    r();
    t();
    p();
    expect(changes).toEqual(['resources', 'resources', 'prompts']);
    expect(registry.resources.size + registry.templates.size + registry.prompts.size).toBe(0);
  });
});

describe('Registry resources, templates and prompts', () => {
  it('throws on duplicate resource URIs, template names and prompt names', () => {
    const { registry } = setup();
    registry.addResource('a', 'file:///a', {}, read);
    expect(() => registry.addResource('other-name', 'file:///a', {}, read)).toThrow(TypeError);
    registry.addTemplate('tpl', 'file:///{x}', {}, read);
    expect(() => registry.addTemplate('tpl', 'file:///other/{x}', {}, read)).toThrow(TypeError);
    registry.addPrompt('p', {}, () => ({ messages: [] }));
    expect(() => registry.addPrompt('p', {}, () => ({ messages: [] }))).toThrow(TypeError);
  });

  it('rejects an invalid URI template at registration', () => {
    const { registry } = setup();
    expect(() => registry.addTemplate('bad', 'file:///{unclosed', {}, read)).toThrow(TypeError);
  });

  it('lists a resource with its uri, name and config', () => {
    const { registry } = setup();
    registry.addResource('readme', 'file:///readme', { mimeType: 'text/plain', description: undefined }, read);
    expect(parse(registry.page('resources', undefined))).toEqual({ resources: [{ uri: 'file:///readme', name: 'readme', mimeType: 'text/plain' }] });
  });

  it('lists a template without its complete/list callbacks (RES-01)', () => {
    const { registry } = setup();
    registry.addTemplate('files', 'file:///{path}', { mimeType: 'text/plain', complete: { path: () => [] }, list: () => [] }, read);
    expect(parse(registry.page('resourceTemplates', undefined))).toEqual({
      resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'files', mimeType: 'text/plain' }],
    });
  });

  it('lists prompt arguments without their completers (PR-01)', () => {
    const { registry } = setup();
    registry.addPrompt('greet', { description: 'Say hi', arguments: [{ name: 'who', required: true, complete: () => ['a'] }] }, () => ({ messages: [] }));
    expect(parse(registry.page('prompts', undefined))).toEqual({
      prompts: [{ name: 'greet', description: 'Say hi', arguments: [{ name: 'who', required: true }] }],
    });
  });
});

describe('Registry pageSize validation', () => {
  it.each([0, -1, 1.5, Number.NaN])('rejects pageSize %s instead of looping forever or dropping items', (size) => {
    expect(() => new Registry(size, () => {})).toThrow(RangeError);
  });
});

describe('Registry: tools with scopes (withScopes)', () => {
  it('counts the tools that have scopes, so that no call is checked while none has', () => {
    const registry = new Registry(100, () => {}, { scopes: checkScopes });
    const removeOpen = registry.addTool('open', {}, ok);
    expect(registry.scopedTools).toBe(0);
    const removeA = registry.addTool('a', { scopes: ['x', 'x', 'y'] }, ok);
    registry.addTool('b', { scopes: ['z'] }, ok);
    expect(registry.scopedTools).toBe(2);
    expect(registry.tools.get('a')?.scopes).toEqual(['x', 'y']);
    removeA();
    removeA();
    removeOpen();
    expect(registry.scopedTools).toBe(1);
    expect(() => registry.addTool('bad', { scopes: ['a b'] }, ok)).toThrow(/Tool "bad": scopes must be/);
    expect(registry.scopedTools).toBe(1);
  });
});

describe('Registry without the optional features (createLeanMcp)', () => {
  const lean = () => new Registry(100, () => {});

  it('refuses a resource template and names withResourceTemplates', () => {
    expect(() => lean().addTemplate('file', 'file:///{path}', {}, () => read('file:///x'))).toThrow(/withResourceTemplates/);
  });

  it('refuses a tool with scopes and names withScopes', () => {
    expect(() => lean().addTool('w', { scopes: ['files:write'] }, ok)).toThrow(/withScopes/);
  });

  it('refuses a tool that runs as a task and names withTasks', () => {
    expect(() => lean().addTool('slow', { task: { support: 'optional' } }, ok)).toThrow(/withTasks/);
  });

  it('takes a tool whose task support is "forbidden": it never runs as a task', () => {
    const registry = lean();
    registry.addTool('plain', { task: { support: 'forbidden' } }, ok);
    expect(registry.tools.get('plain')?.task).toBeUndefined();
  });

  it('refuses a plain valibot schema and says how to convert it', () => {
    expect(() => lean().addTool('echo', { inputSchema: v.object({ text: v.string() }) }, ok)).toThrow(/withValibotJsonSchema.*toStandardJsonSchema/);
  });

  it('takes raw JSON Schema and Standard JSON Schema without the valibot converter', async () => {
    const { toStandardJsonSchema } = await import('@valibot/to-json-schema');
    const registry = lean();
    registry.addTool('raw', { inputSchema: { type: 'object', properties: { a: { type: 'string' } } } }, ok);
    registry.addTool('wrapped', { inputSchema: toStandardJsonSchema(v.object({ text: v.string() })) }, ok);
    expect(registry.tools.get('wrapped')?.wire.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
  });
});
