/**
 * Step-up authorization's pieces (AUTH-04, AUTH-06): the option, a tool's scopes, the check with and without a
 * hierarchy, and the challenge each era gets. End to end over a socket: test/integration/scopes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { InsufficientScopeError, McpError, isInsufficientScopeError, isScopeToken } from '../errors';
import { checkScopes, missingScopes, scopeRefusal, scopeSettings, toolScopeCheck } from './scopes';

const PRM = 'https://mcp.example/.well-known/oauth-protected-resource';
const plain = scopeSettings(undefined);
const withMeta = scopeSettings({ resourceMetadata: PRM });

describe('scope tokens (RFC 6749 §3.3)', () => {
  it('printable ASCII without space, double quote or backslash', () => {
    for (const ok of ['files:write', 'a', 'https://x/y', "it's", '!#$%&()*+,-./:;<=>?@[]^_`{|}~']) expect(isScopeToken(ok)).toBe(true);
    for (const bad of ['', 'a b', 'x"y', 'a\\b', 'é', 'tab\t', 1, undefined, null]) expect(isScopeToken(bad)).toBe(false);
  });

  it('checkScopes keeps a tool without scopes free, refuses anything but tokens, and drops repeats', () => {
    expect(checkScopes('Tool "t"', undefined)).toBeUndefined();
    expect(checkScopes('Tool "t"', ['a', 'b', 'a'])).toEqual(['a', 'b']);
    for (const bad of [[], 'a', ['a b'], [''], [1], null]) expect(() => checkScopes('Tool "t"', bad)).toThrow(/Tool "t": scopes must be/);
  });
});

describe('scopeSettings (the auth option)', () => {
  it('takes an http(s) URL and a function, and refuses the rest with a message naming the field', () => {
    expect(scopeSettings({ resourceMetadata: PRM })).toEqual({ resourceMetadata: PRM, covers: undefined });
    expect(() => scopeSettings({ resourceMetadata: 'mcp.example' })).toThrow(/auth.resourceMetadata/);
    expect(() => scopeSettings({ resourceMetadata: 'https://x/a b' })).toThrow(/auth.resourceMetadata/);
    expect(() => scopeSettings({ covers: 1 as never })).toThrow(/auth.covers/);
    expect(() => scopeSettings('x' as never)).toThrow(/auth option/);
  });
});

describe('missingScopes', () => {
  it('refuses when any required scope is missing, naming all of them', () => {
    expect(missingScopes(['a', 'b'], { scopes: ['a', 'b', 'c'] }, plain, 'tool "t"')).toBeUndefined();
    const e = missingScopes(['a', 'b'], { scopes: ['a'] }, plain, 'tool "t"')!;
    expect(e).toBeInstanceOf(InsufficientScopeError);
    expect(e.scopes).toEqual(['a', 'b']);
    expect(e.message).toBe('Insufficient scope: tool "t" needs a b');
    expect(missingScopes(['a'], undefined, plain, 'x')).toBeInstanceOf(InsufficientScopeError);
    expect(missingScopes(['a'], { subject: 's' }, plain, 'x')).toBeInstanceOf(InsufficientScopeError);
  });

  it('honours a hierarchy through covers (AUTH-06, 2026-07-28)', () => {
    const tree = scopeSettings({ covers: (g, r) => r.startsWith(`${g}:`) });
    expect(missingScopes(['files:read', 'files:write'], { scopes: ['files'] }, tree, 'x')).toBeUndefined();
    expect(missingScopes(['files:read'], { scopes: ['file'] }, tree, 'x')).toBeInstanceOf(InsufficientScopeError);
    expect(missingScopes(['files:read'], { scopes: ['files'] }, plain, 'x')).toBeInstanceOf(InsufficientScopeError);
  });

  it('toolScopeCheck looks only at a tools/call naming a scoped tool', () => {
    const tools = new Map([
      ['open', { scopes: undefined }],
      ['locked', { scopes: ['k'] as readonly string[] }],
    ]);
    expect(toolScopeCheck(tools, 'tools/call', { name: 'open' }, undefined, plain)).toBeUndefined();
    expect(toolScopeCheck(tools, 'tools/call', { name: 'missing' }, undefined, plain)).toBeUndefined();
    expect(toolScopeCheck(tools, 'tools/call', { name: { toString: 1 } }, undefined, plain)).toBeUndefined();
    expect(toolScopeCheck(tools, 'tools/list', { name: 'locked' }, undefined, plain)).toBeUndefined();
    expect(toolScopeCheck(tools, 'tools/call', { name: 'locked' }, { scopes: ['k'] }, plain)).toBeUndefined();
    expect(toolScopeCheck(tools, 'tools/call', { name: 'locked' }, { scopes: [] }, plain)?.message).toBe('Insufficient scope: tool "locked" needs k');
  });
});

describe('scopeRefusal (the challenge)', () => {
  const refused = new InsufficientScopeError(['files:write'], 'Insufficient scope: tool "w" needs files:write');

  it('AUTH-04: no authInfo → 401 with the scopes and the metadata URL, and no error code', () => {
    expect(scopeRefusal(refused, undefined, '2026-07-28', withMeta)).toEqual({
      status: 401,
      headers: { 'www-authenticate': `Bearer scope="files:write", resource_metadata="${PRM}"` },
    });
  });

  it('AUTH-06 on 2026-07-28: 403 naming the operation\'s scopes only', () => {
    expect(scopeRefusal(refused, { scopes: ['profile'] }, '2026-07-28', withMeta)).toEqual({
      status: 403,
      headers: {
        'www-authenticate': `Bearer error="insufficient_scope", scope="files:write", resource_metadata="${PRM}", error_description="Insufficient scope: tool 'w' needs files:write"`,
      },
    });
  });

  it('on a 2025 session: the granted scopes first, then the required ones, once each (a bad granted one left out)', () => {
    const h = scopeRefusal(refused, { scopes: ['profile', 'files:write', 'bad scope'] }, '2025-11-25', plain)!;
    expect(h.status).toBe(403);
    expect(h.headers!['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="profile files:write", error_description="Insufficient scope: tool 'w' needs files:write"`);
    expect(scopeRefusal(refused, { subject: 's' }, '2025-06-18', plain)!.headers!['www-authenticate']).toMatch(/scope="files:write",/);
  });

  it('an error_description keeps to its characters; anything but an InsufficientScopeError is no refusal', () => {
    const odd = new InsufficientScopeError(['a'], 'Needs "a" \\ é\nnow');
    expect(scopeRefusal(odd, { scopes: [] }, '2026-07-28', plain)!.headers!['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="a", error_description="Needs 'a'     now"`);
    expect(scopeRefusal(new McpError(-32600, 'no'), { scopes: [] }, '2026-07-28', plain)).toBeUndefined();
    expect(scopeRefusal(new Error('x'), undefined, '2026-07-28', plain)).toBeUndefined();
  });

  it('recognises an InsufficientScopeError of another copy of the package by its brand and name', () => {
    const copy = Object.assign(new McpError(-32600, 'm', { requiredScopes: ['a'] }), { name: 'InsufficientScopeError', scopes: ['a'] });
    expect(isInsufficientScopeError(copy)).toBe(true);
    expect(isInsufficientScopeError(new McpError(-32600, 'm'))).toBe(false);
    expect(isInsufficientScopeError({ name: 'InsufficientScopeError', scopes: ['a'] })).toBe(false);
  });
});
