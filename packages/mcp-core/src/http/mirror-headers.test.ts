import { describe, expect, it, vi } from 'vitest';
import { type HeaderParam, checkMirrorHeaders, decodeHeaderValue, headerParamsOf, withHeaderParams } from './mirror-headers';

/** `=?base64?…?=` of the UTF-8 bytes of `text` (test helper; Web APIs only). */
function wrap(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `=?base64?${btoa(binary)}?=`;
}

/** `=?base64?…?=` of raw bytes. */
function wrapBytes(bytes: number[]): string {
  return `=?base64?${btoa(String.fromCharCode(...bytes))}?=`;
}

const REGION: HeaderParam = { name: 'Region', path: ['region'], type: 'string' };
const COUNT: HeaderParam = { name: 'Count', path: ['count'], type: 'integer' };
const DRY: HeaderParam = { name: 'Dry-Run', path: ['dryRun'], type: 'boolean' };
const NESTED: HeaderParam = { name: 'Zone', path: ['location', 'zone'], type: 'string' };
const PARAMS: readonly HeaderParam[] = [REGION, COUNT, DRY, NESTED];

/** tools/call check against the PARAMS of tool `t`. */
function call(headers: Record<string, string>, args: Record<string, unknown> | undefined, name = 't'): string | undefined {
  const h = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': name, ...headers });
  return checkMirrorHeaders(h, 'tools/call', args === undefined ? { name } : { name, arguments: args }, (tool) =>
    tool === 't' ? PARAMS : undefined,
  );
}

describe('decodeHeaderValue (HDR-04, HDR-05)', () => {
  it('returns plain printable ASCII as is, trimmed of HTTP whitespace', () => {
    expect(decodeHeaderValue('us-west1')).toBe('us-west1');
    expect(decodeHeaderValue('  us-west1 \t')).toBe('us-west1');
    expect(decodeHeaderValue('a b')).toBe('a b');
    expect(decodeHeaderValue('')).toBe('');
  });

  it('does not trim non-HTTP whitespace (NBSP is an illegal raw byte)', () => {
    expect(decodeHeaderValue('\u00a0x')).toBeUndefined();
  });

  it('rejects control characters and raw non-ASCII in plain values', () => {
    expect(decodeHeaderValue('a\u0001b')).toBeUndefined();
    expect(decodeHeaderValue('a\tb')).toBeUndefined();
    expect(decodeHeaderValue('a\u007fb')).toBeUndefined();
    expect(decodeHeaderValue('Z\u00fcrich')).toBeUndefined();
  });

  it('decodes Base64 of UTF-8, ASCII and non-ASCII', () => {
    expect(decodeHeaderValue('=?base64?SGVsbG8=?=')).toBe('Hello');
    expect(decodeHeaderValue(wrap('Zürich'))).toBe('Zürich');
    expect(decodeHeaderValue(wrap('日本'))).toBe('日本');
    expect(decodeHeaderValue(wrap('emoji 🎉'))).toBe('emoji 🎉');
    expect(decodeHeaderValue(`  ${wrap('日本')}  `)).toBe('日本');
    expect(decodeHeaderValue('=?base64??=')).toBe('');
  });

  it('keeps what only the wrapping can carry: surrounding spaces, control characters, a literal sentinel, a BOM', () => {
    expect(decodeHeaderValue(wrap('  padded  '))).toBe('  padded  ');
    expect(decodeHeaderValue(wrap('line1\nline2'))).toBe('line1\nline2');
    expect(decodeHeaderValue(wrap('=?base64?literal?='))).toBe('=?base64?literal?=');
    expect(decodeHeaderValue(wrap('\ufeffx'))).toBe('\ufeffx');
  });

  it('rejects bad Base64: alphabet, padding, length, non-canonical tail bits', () => {
    for (const bad of [
      '=?base64?!!!?=',
      '=?base64?SGVs!!!bG8=?=',
      '=?base64?SGVsbG8?=', // missing padding
      '=?base64?SGVsbG8==?=', // too much padding
      '=?base64?SGV sbG8=?=', // embedded space (atob would accept it)
      '=?base64?_w==?=', // URL-safe alphabet
      '=?base64?Zh==?=', // non-zero unused bits
      '=?base64?Zm9=?=', // non-zero unused bits, one pad
      '=?base64?Z===?=',
      '=?base64?====?=',
      '=?base64?=?=',
    ]) {
      expect(decodeHeaderValue(bad), bad).toBeUndefined();
    }
  });

  it('rejects invalid UTF-8 inside valid Base64', () => {
    expect(decodeHeaderValue('=?base64?/w==?=')).toBeUndefined(); // 0xFF
    expect(decodeHeaderValue(wrapBytes([0x61, 0xc3]))).toBeUndefined(); // truncated sequence
    expect(decodeHeaderValue(wrapBytes([0xc0, 0xaf]))).toBeUndefined(); // overlong
    expect(decodeHeaderValue(wrapBytes([0xed, 0xa0, 0x80]))).toBeUndefined(); // surrogate
  });

  it('takes values with wrong-case or incomplete markers literally', () => {
    expect(decodeHeaderValue('=?BASE64?SGVsbG8=?=')).toBe('=?BASE64?SGVsbG8=?=');
    expect(decodeHeaderValue('=?Base64?SGVsbG8=?=')).toBe('=?Base64?SGVsbG8=?=');
    expect(decodeHeaderValue('=?base64?SGVsbG8=')).toBe('=?base64?SGVsbG8=');
    expect(decodeHeaderValue('SGVsbG8=?=')).toBe('SGVsbG8=?=');
    expect(decodeHeaderValue('SGVsbG8=')).toBe('SGVsbG8=');
    expect(decodeHeaderValue('=?base64?=')).toBe('=?base64?=');
  });
});

describe('checkMirrorHeaders: Mcp-Method (HDR-03, HDR-04)', () => {
  const check = (h: Record<string, string>, method = 'tools/list') => checkMirrorHeaders(new Headers(h), method, undefined);

  it('accepts a matching method with any header-name case and surrounding whitespace', () => {
    expect(check({ 'Mcp-Method': 'tools/list' })).toBeUndefined();
    expect(check({ 'mcp-method': 'tools/list' })).toBeUndefined();
    expect(check({ 'MCP-METHOD': 'tools/list' })).toBeUndefined();
    expect(check({ 'Mcp-Method': '  tools/list\t' })).toBeUndefined();
  });

  it('rejects a missing header', () => {
    expect(check({})).toBe('Missing Mcp-Method header (expected "tools/list")');
  });

  it('rejects a different or differently cased value', () => {
    expect(check({ 'Mcp-Method': 'prompts/list' })).toBe('Mcp-Method header "prompts/list" does not match method "tools/list"');
    expect(check({ 'Mcp-Method': 'TOOLS/LIST' })).toBe('Mcp-Method header "TOOLS/LIST" does not match method "tools/list"');
  });

  it('never decodes Base64 for the method', () => {
    expect(check({ 'Mcp-Method': wrap('tools/list') })).toMatch(/^Mcp-Method header "=\?base64\?.*does not match/);
  });

  it('does not require Mcp-Name for unnamed methods', () => {
    expect(checkMirrorHeaders(new Headers({ 'Mcp-Method': 'tools/list' }), 'tools/list', { cursor: 'x' })).toBeUndefined();
  });
});

describe('checkMirrorHeaders: Mcp-Name (HDR-03, HDR-05, TRAP-24)', () => {
  const check = (method: string, params: Record<string, unknown> | undefined, name?: string) => {
    const h = new Headers({ 'Mcp-Method': method });
    if (name !== undefined) h.set('Mcp-Name', name);
    return checkMirrorHeaders(h, method, params);
  };

  it('checks params.name for tools/call and prompts/get', () => {
    expect(check('tools/call', { name: 'a' }, 'a')).toBeUndefined();
    expect(check('tools/call', { name: 'a' }, 'b')).toBe('Mcp-Name header "b" does not match params.name "a"');
    expect(check('prompts/get', { name: 'p' }, 'p')).toBeUndefined();
    expect(check('prompts/get', { name: 'p' }, 'P')).toBe('Mcp-Name header "P" does not match params.name "p"');
  });

  it('checks params.uri for resources/read', () => {
    expect(check('resources/read', { uri: 'test://static-text' }, 'test://static-text')).toBeUndefined();
    expect(check('resources/read', { uri: 'test://a' }, 'test://b')).toBe('Mcp-Name header "test://b" does not match params.uri "test://a"');
  });

  it('checks params.taskId for tasks/get, tasks/update and tasks/cancel', () => {
    for (const m of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      expect(check(m, { taskId: 't-1' }, 't-1')).toBeUndefined();
      expect(check(m, { taskId: 't-1' }, 't-2')).toBe('Mcp-Name header "t-2" does not match params.taskId "t-1"');
      expect(check(m, { taskId: 't-1' })).toBe('Missing Mcp-Name header (expected params.taskId "t-1")');
    }
  });

  it('rejects a missing header when the body has the field', () => {
    expect(check('tools/call', { name: 'a' })).toBe('Missing Mcp-Name header (expected params.name "a")');
    expect(check('resources/read', { uri: 'u' })).toBe('Missing Mcp-Name header (expected params.uri "u")');
  });

  it('skips the check when the body field is absent or not a string', () => {
    expect(check('tools/call', undefined)).toBeUndefined();
    expect(check('tools/call', {})).toBeUndefined();
    expect(check('tools/call', { name: 42 }, 'x')).toBeUndefined();
    expect(check('resources/read', { name: 'u' })).toBeUndefined();
  });

  it('accepts any header-name case and surrounding whitespace', () => {
    const h = new Headers({ 'mcp-method': 'tools/call', 'MCP-NAME': '  a  ' });
    expect(checkMirrorHeaders(h, 'tools/call', { name: 'a' })).toBeUndefined();
  });

  it('decodes Base64-wrapped names and URIs, non-ASCII included', () => {
    expect(check('tools/call', { name: 'Zürich' }, wrap('Zürich'))).toBeUndefined();
    expect(check('resources/read', { uri: 'file:///日本.txt' }, wrap('file:///日本.txt'))).toBeUndefined();
    expect(check('tools/call', { name: 'a' }, wrap('a'))).toBeUndefined();
    expect(check('tools/call', { name: '日本' }, wrap('日本語'))).toBe('Mcp-Name header "日本語" does not match params.name "日本"');
  });

  it('rejects bad Base64 and invalid UTF-8', () => {
    for (const bad of ['=?base64?!!!?=', '=?base64?Zh==?=', '=?base64?_w==?=', '=?base64?/w==?=']) {
      expect(check('tools/call', { name: 'f' }, bad), bad).toMatch(/^Mcp-Name header ".*" is neither printable ASCII nor valid/);
    }
  });

  it('does not decode wrong-case markers, so the literal then mismatches', () => {
    expect(check('tools/call', { name: 'f' }, '=?BASE64?Zg==?=')).toBe('Mcp-Name header "=?BASE64?Zg==?=" does not match params.name "f"');
  });

  it('compares values case-sensitively', () => {
    expect(check('tools/call', { name: 'Echo' }, 'echo')).toBeDefined();
  });
});

describe('checkMirrorHeaders: Mcp-Param-* (HDR-06)', () => {
  it('accepts matching headers for every type, nested paths included', () => {
    expect(
      call(
        { 'Mcp-Param-Region': 'us-west1', 'Mcp-Param-Count': '42', 'Mcp-Param-Dry-Run': 'true', 'Mcp-Param-Zone': 'b' },
        { region: 'us-west1', count: 42, dryRun: true, location: { zone: 'b' } },
      ),
    ).toBeUndefined();
  });

  it('uses case-insensitive header names and trims values', () => {
    expect(call({ 'mcp-param-region': '  us-west1 ' }, { region: 'us-west1' })).toBeUndefined();
    expect(call({ 'MCP-PARAM-REGION': 'us-west1' }, { region: 'us-west1' })).toBeUndefined();
  });

  it('compares strings exactly', () => {
    expect(call({ 'Mcp-Param-Region': 'US-WEST1' }, { region: 'us-west1' })).toBe(
      'Mcp-Param-Region header "US-WEST1" does not match arguments.region "us-west1"',
    );
  });

  it('decodes Base64-wrapped values, non-ASCII included', () => {
    expect(call({ 'Mcp-Param-Region': wrap('Zürich') }, { region: 'Zürich' })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': wrap('日本') }, { region: '日本' })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': wrap('  spaced ') }, { region: '  spaced ' })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': wrap('Hello') }, { region: 'Hello' })).toBeUndefined();
  });

  it('rejects bad Base64 (padding, characters) and invalid UTF-8', () => {
    for (const bad of ['=?base64?SGVsbG8?=', '=?base64?SGVs!!!bG8=?=', wrapBytes([0xff, 0xfe])]) {
      expect(call({ 'Mcp-Param-Region': bad }, { region: 'Hello' }), bad).toMatch(
        /^Mcp-Param-Region header ".*" is neither printable ASCII nor valid =\?base64\?\.\.\.\?= UTF-8 \(for arguments\.region\)$/,
      );
    }
  });

  it('takes unwrapped or half-wrapped values literally', () => {
    expect(call({ 'Mcp-Param-Region': 'SGVsbG8=' }, { region: 'SGVsbG8=' })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': '=?base64?SGVsbG8=' }, { region: '=?base64?SGVsbG8=' })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': '=?BASE64?SGVsbG8=?=' }, { region: 'Hello' })).toBe(
      'Mcp-Param-Region header "=?BASE64?SGVsbG8=?=" does not match arguments.region "Hello"',
    );
  });

  it('compares integers numerically', () => {
    for (const form of ['42', '42.0', '4.2e1', '420e-1', ' 42 ', wrap('42')]) {
      expect(call({ 'Mcp-Param-Count': form }, { count: 42 }), form).toBeUndefined();
    }
    expect(call({ 'Mcp-Param-Count': '-7' }, { count: -7 })).toBeUndefined();
    expect(call({ 'Mcp-Param-Count': '0' }, { count: 0 })).toBeUndefined();
    expect(call({ 'Mcp-Param-Count': '-0' }, { count: 0 })).toBeUndefined();
    expect(call({ 'Mcp-Param-Count': '9007199254740991' }, { count: Number.MAX_SAFE_INTEGER })).toBeUndefined();
  });

  it('rejects other numbers and non-numeric integer headers', () => {
    expect(call({ 'Mcp-Param-Count': '41' }, { count: 42 })).toBe('Mcp-Param-Count header "41" does not match arguments.count 42');
    for (const bad of ['42.5', 'forty-two', '', '0x2A', '+42', '042', '42.', '.5', 'Infinity', 'NaN', '4 2']) {
      expect(call({ 'Mcp-Param-Count': bad }, { count: 42 }), bad).toMatch(/^Mcp-Param-Count header .* does not match arguments\.count 42$/);
    }
  });

  it('accepts only true/false for booleans', () => {
    expect(call({ 'Mcp-Param-Dry-Run': 'false' }, { dryRun: false })).toBeUndefined();
    expect(call({ 'Mcp-Param-Dry-Run': 'true' }, { dryRun: false })).toBe(
      'Mcp-Param-Dry-Run header "true" does not match arguments.dryRun false',
    );
    for (const bad of ['True', 'TRUE', '1', 'yes', '']) {
      expect(call({ 'Mcp-Param-Dry-Run': bad }, { dryRun: true }), bad).toBeDefined();
    }
  });

  it('rejects a missing header when the body has a value', () => {
    expect(call({}, { region: 'us-west1' })).toBe('Missing Mcp-Param-Region header for arguments.region');
    expect(call({}, { count: 0 })).toBe('Missing Mcp-Param-Count header for arguments.count');
    expect(call({}, { dryRun: false })).toBe('Missing Mcp-Param-Dry-Run header for arguments.dryRun');
    expect(call({}, { region: '' })).toBe('Missing Mcp-Param-Region header for arguments.region');
    expect(call({}, { location: { zone: 'b' } })).toBe('Missing Mcp-Param-Zone header for arguments.location.zone');
  });

  it('expects no header for null or absent values, and ignores one if sent', () => {
    expect(call({}, {})).toBeUndefined();
    expect(call({}, undefined)).toBeUndefined();
    expect(call({}, { region: null, count: null, dryRun: null, location: null })).toBeUndefined();
    expect(call({}, { location: {} })).toBeUndefined();
    expect(call({}, { location: { zone: null } })).toBeUndefined();
    expect(call({ 'Mcp-Param-Region': 'stray', 'Mcp-Param-Zone': 'x' }, { region: null })).toBeUndefined();
  });

  it('leaves type mismatches to argument validation', () => {
    expect(call({}, { region: 5, count: '42', dryRun: 'true', location: { zone: ['b'] } })).toBeUndefined();
    expect(call({}, { count: 4.5 })).toBeUndefined();
    expect(call({}, { location: 'flat' })).toBeUndefined();
    expect(call({}, { location: [{ zone: 'b' }] })).toBeUndefined();
    expect(call({}, 'not an object' as unknown as Record<string, unknown>)).toBeUndefined();
  });

  it('reads own properties only', () => {
    const tricky: HeaderParam = { name: 'C', path: ['constructor'], type: 'string' };
    const h = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
    expect(checkMirrorHeaders(h, 'tools/call', { name: 't', arguments: {} }, () => [tricky])).toBeUndefined();
  });

  it('checks only Mcp-Method/Mcp-Name for an unknown tool or without a lookup', () => {
    expect(call({}, { region: 'us-west1' }, 'unknown')).toBeUndefined();
    const h = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
    expect(checkMirrorHeaders(h, 'tools/call', { name: 't', arguments: { region: 'x' } })).toBeUndefined();
  });

  it('calls the lookup only for tools/call with a matching params.name', () => {
    const lookup = vi.fn(() => PARAMS);
    const h = new Headers({ 'Mcp-Method': 'prompts/get', 'Mcp-Name': 't' });
    expect(checkMirrorHeaders(h, 'prompts/get', { name: 't', arguments: { region: 'x' } }, lookup)).toBeUndefined();
    const h2 = new Headers({ 'Mcp-Method': 'tools/call' });
    expect(checkMirrorHeaders(h2, 'tools/call', { arguments: { region: 'x' } }, lookup)).toBeUndefined();
    expect(lookup).not.toHaveBeenCalled();
    const h3 = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
    checkMirrorHeaders(h3, 'tools/call', { name: 't', arguments: {} }, lookup);
    expect(lookup).toHaveBeenCalledWith('t');
  });

  it('takes the fast path with two header reads when the tool has no header params', () => {
    const h = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
    const get = vi.spyOn(h, 'get');
    expect(checkMirrorHeaders(h, 'tools/call', { name: 't', arguments: { region: 'x' } }, () => [])).toBeUndefined();
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('reports the first failing param in declaration order', () => {
    expect(call({}, { region: 'a', count: 1 })).toBe('Missing Mcp-Param-Region header for arguments.region');
  });

  it('shortens very long values in messages', () => {
    const long = 'x'.repeat(500);
    const message = call({ 'Mcp-Param-Region': long }, { region: 'y' }) ?? '';
    expect(message.length).toBeLessThan(250);
    expect(message).toContain('...');
  });
});

describe('headerParamsOf (HDR-07)', () => {
  const schema = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

  it('returns [] when there is no annotation', () => {
    expect(headerParamsOf('t', { type: 'object' })).toEqual([]);
    expect(headerParamsOf('t', schema({ a: { type: 'string' } }))).toEqual([]);
  });

  it('finds top-level and nested annotations in schema order', () => {
    const s = schema({
      region: { type: 'string', 'x-mcp-header': 'Region' },
      count: { type: 'integer', 'x-mcp-header': 'Count' },
      location: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
      flag: { type: 'boolean', 'x-mcp-header': 'Dry-Run' },
    });
    expect(headerParamsOf('t', s)).toEqual([
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
      { name: 'Zone', path: ['location', 'zone'], type: 'string' },
      { name: 'Dry-Run', path: ['flag'], type: 'boolean' },
    ]);
  });

  it('accepts a nullable type and every tchar', () => {
    const s = schema({ a: { type: ['string', 'null'], 'x-mcp-header': "A1!#$%&'*+-.^_`|~" } });
    expect(headerParamsOf('t', s)).toEqual([{ name: "A1!#$%&'*+-.^_`|~", path: ['a'], type: 'string' }]);
  });

  it('ignores x-mcp-header inside data keywords and as a property name', () => {
    const s = schema({
      a: { type: 'object', default: { 'x-mcp-header': 'X' }, examples: [{ 'x-mcp-header': 'Y' }], const: { 'x-mcp-header': 'Z' } },
      b: { enum: [{ 'x-mcp-header': 'W' }] },
      'x-mcp-header': { type: 'string' },
    });
    expect(headerParamsOf('t', s)).toEqual([]);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['empty name', schema({ a: { type: 'string', 'x-mcp-header': '' } }), /property "a" must not be empty/],
    ['non-string name', schema({ a: { type: 'string', 'x-mcp-header': 7 } }), /property "a" must be a string/],
    ['space', schema({ a: { type: 'string', 'x-mcp-header': 'My Region' } }), /x-mcp-header "My Region" on property "a" is not an RFC 9110 token/],
    ['colon', schema({ a: { type: 'string', 'x-mcp-header': 'Region:' } }), /is not an RFC 9110 token/],
    ['non-ASCII', schema({ a: { type: 'string', 'x-mcp-header': 'Régión' } }), /is not an RFC 9110 token/],
    ['separator', schema({ a: { type: 'string', 'x-mcp-header': 'a/b' } }), /is not an RFC 9110 token/],
    ['CR LF', schema({ a: { type: 'string', 'x-mcp-header': 'A\r\nB' } }), /contains a control character/],
    ['DEL', schema({ a: { type: 'string', 'x-mcp-header': 'A\u007f' } }), /contains a control character/],
    [
      'duplicate ignoring case',
      schema({ a: { type: 'string', 'x-mcp-header': 'Region' }, b: { type: 'string', 'x-mcp-header': 'REGION' } }),
      /x-mcp-header "REGION" on property "b" duplicates the header of property "a"/,
    ],
    ['number type', schema({ a: { type: 'number', 'x-mcp-header': 'A' } }), /x-mcp-header "A" on property "a" is not allowed on type "number"/],
    ['object type', schema({ a: { type: 'object', 'x-mcp-header': 'A' } }), /needs a property of type string, integer or boolean/],
    ['array type', schema({ a: { type: 'array', 'x-mcp-header': 'A' } }), /needs a property of type/],
    ['no type', schema({ a: { 'x-mcp-header': 'A' } }), /needs a property of type/],
    ['union type', schema({ a: { type: ['string', 'integer'], 'x-mcp-header': 'A' } }), /needs a property of type/],
    ['root', { type: 'object', 'x-mcp-header': 'A' }, /the root schema must sit on a property/],
    ['items', schema({ a: { type: 'array', items: { type: 'string', 'x-mcp-header': 'A' } } }), /x-mcp-header "A" on \/properties\/a\/items is not reachable.*"items"/],
    ['prefixItems', schema({ a: { type: 'array', prefixItems: [{ type: 'string', 'x-mcp-header': 'A' }] } }), /\/prefixItems\/0 .*"prefixItems"/],
    ['oneOf', schema({}, { oneOf: [{ properties: { a: { type: 'string', 'x-mcp-header': 'A' } } }] }), /\/oneOf\/0\/properties\/a .*"oneOf"/],
    ['anyOf', schema({ a: { anyOf: [{ type: 'string', 'x-mcp-header': 'A' }] } }), /"anyOf"/],
    ['allOf', schema({ a: { allOf: [{ type: 'string', 'x-mcp-header': 'A' }] } }), /"allOf"/],
    ['not', schema({ a: { not: { type: 'string', 'x-mcp-header': 'A' } } }), /\/properties\/a\/not .*"not"/],
    ['if', schema({}, { if: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } }), /"if"/],
    ['then', schema({}, { then: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } }), /"then"/],
    ['else', schema({}, { else: { properties: { a: { type: 'string', 'x-mcp-header': 'A' } } } }), /"else"/],
    ['$defs via $ref', schema({ a: { $ref: '#/$defs/R' } }, { $defs: { R: { type: 'string', 'x-mcp-header': 'A' } } }), /\/\$defs\/R .*"\$defs"/],
    ['definitions', schema({}, { definitions: { R: { type: 'string', 'x-mcp-header': 'A' } } }), /"definitions"/],
    [
      '$ref beside the annotation',
      schema({ a: { $ref: '#/$defs/R', 'x-mcp-header': 'A' } }, { $defs: { R: { type: 'string' } } }),
      /needs a property of type/,
    ],
    ['additionalProperties', schema({}, { additionalProperties: { type: 'string', 'x-mcp-header': 'A' } }), /"additionalProperties"/],
    ['patternProperties', schema({}, { patternProperties: { '^x': { type: 'string', 'x-mcp-header': 'A' } } }), /\/patternProperties\/\^x .*"patternProperties"/],
    ['dependentSchemas', schema({}, { dependentSchemas: { a: { properties: { b: { type: 'string', 'x-mcp-header': 'A' } } } } }), /"dependentSchemas"/],
    ['properties under items', schema({ a: { items: { properties: { b: { type: 'string', 'x-mcp-header': 'A' } } } } }), /\/properties\/a\/items\/properties\/b .*"items"/],
  ];
  for (const [label, s, message] of bad) {
    it(`rejects ${label}`, () => {
      expect(() => headerParamsOf('weather', s)).toThrow(TypeError);
      expect(() => headerParamsOf('weather', s)).toThrow(/^Tool "weather": x-mcp-header (".*" )?on .* \(HDR-07\)$/s);
      expect(() => headerParamsOf('weather', s)).toThrow(message);
    });
  }

  it('survives cyclic in-memory schemas', () => {
    const node: Record<string, unknown> = { type: 'object' };
    node.properties = { self: node, r: { type: 'string', 'x-mcp-header': 'R' } };
    expect(headerParamsOf('t', node)).toEqual([{ name: 'R', path: ['r'], type: 'string' }]);
    const loop: Record<string, unknown> = { type: 'object' };
    loop.items = loop;
    expect(headerParamsOf('t', { type: 'object', properties: { a: loop } })).toEqual([]);
  });
});

describe('withHeaderParams', () => {
  const base = {
    type: 'object',
    properties: {
      region: { type: 'string' },
      count: { type: 'integer' },
      location: { type: 'object', properties: { zone: { type: 'string' }, city: { type: 'string' } } },
      'a.b': { type: 'boolean' },
    },
    required: ['region'],
  };

  it('annotates top-level and dotted paths on a copy, leaving the input untouched', () => {
    const snapshot = structuredClone(base);
    const out = withHeaderParams('t', base, { region: 'Region', 'location.zone': 'Zone', count: 'Count' });
    expect(base).toEqual(snapshot);
    expect(out).not.toBe(base);
    expect(headerParamsOf('t', out)).toEqual([
      { name: 'Region', path: ['region'], type: 'string' },
      { name: 'Count', path: ['count'], type: 'integer' },
      { name: 'Zone', path: ['location', 'zone'], type: 'string' },
    ]);
    const props = out.properties as Record<string, Record<string, unknown>>;
    // Untouched branches are shared.
    expect(props['a.b']).toBe(base.properties['a.b']);
    expect((props.location?.properties as Record<string, unknown>).city).toBe(base.properties.location.properties.city);
    expect(out.required).toBe(base.required);
  });

  it('annotates two siblings under the same parent', () => {
    const out = withHeaderParams('t', base, { 'location.zone': 'Zone', 'location.city': 'City' });
    expect(headerParamsOf('t', out).map((p) => p.name)).toEqual(['Zone', 'City']);
  });

  it('prefers a literal top-level key containing a dot', () => {
    const out = withHeaderParams('t', base, { 'a.b': 'Ab' });
    expect(headerParamsOf('t', out)).toEqual([{ name: 'Ab', path: ['a.b'], type: 'boolean' }]);
  });

  it('returns an equal copy for no headers', () => {
    expect(withHeaderParams('t', base, {})).toEqual(base);
  });

  it('throws TypeError for a path that does not exist in properties', () => {
    for (const path of ['missing', 'location.missing', 'region.sub', 'location..zone', '']) {
      expect(() => withHeaderParams('t', base, { [path]: 'X' }), path).toThrow(TypeError);
      expect(() => withHeaderParams('t', base, { [path]: 'X' }), path).toThrow(`Tool "t": no property schema at "${path}"`);
    }
    expect(() => withHeaderParams('t', { type: 'object' }, { a: 'A' })).toThrow(TypeError);
  });

  it('validates the result (HDR-07)', () => {
    expect(() => withHeaderParams('t', base, { region: 'Bad Name' })).toThrow(/not an RFC 9110 token/);
    expect(() => withHeaderParams('t', base, { region: 'X', count: 'x' })).toThrow(/duplicates/);
    const numeric = { type: 'object', properties: { n: { type: 'number' } } };
    expect(() => withHeaderParams('t', numeric, { n: 'N' })).toThrow(/type "number"/);
  });

  it('produces headers that checkMirrorHeaders then enforces', () => {
    const params = headerParamsOf('t', withHeaderParams('t', base, { region: 'Region' }));
    const h = new Headers({ 'Mcp-Method': 'tools/call', 'Mcp-Name': 't' });
    expect(checkMirrorHeaders(h, 'tools/call', { name: 't', arguments: { region: 'eu' } }, () => params)).toBe(
      'Missing Mcp-Param-Region header for arguments.region',
    );
    h.set('mcp-param-region', 'eu');
    expect(checkMirrorHeaders(h, 'tools/call', { name: 't', arguments: { region: 'eu' } }, () => params)).toBeUndefined();
  });
});
