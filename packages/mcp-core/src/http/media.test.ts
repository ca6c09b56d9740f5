import { describe, expect, it } from 'vitest';
import { mediaType, parseAccept } from './media';

describe('mediaType (SH-02: 415 decisions)', () => {
  it('returns the lowercased essence without parameters', () => {
    expect(mediaType('application/json')).toBe('application/json');
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType('  application/json  ;charset=UTF-8')).toBe('application/json');
    expect(mediaType('text/event-stream')).toBe('text/event-stream');
  });

  it('returns "" for an absent header', () => {
    expect(mediaType(null)).toBe('');
    expect(mediaType('')).toBe('');
  });

  it('does not substring-match look-alikes', () => {
    expect(mediaType('application/json-patch+json')).toBe('application/json-patch+json');
    expect(mediaType('application/jsonx')).not.toBe('application/json');
    expect(mediaType('text/plain; x=application/json')).toBe('text/plain');
  });
});

describe('parseAccept (SH-02, TRAP-22)', () => {
  it('accepts nothing when the header is absent', () => {
    expect(parseAccept(null)).toEqual({ json: false, sse: false });
  });

  it('reads both MCP types from the usual header', () => {
    expect(parseAccept('application/json, text/event-stream')).toEqual({ json: true, sse: true });
  });

  it('reads each type alone', () => {
    expect(parseAccept('application/json')).toEqual({ json: true, sse: false });
    expect(parseAccept('text/event-stream')).toEqual({ json: false, sse: true });
  });

  it('counts wildcards: */* allows both, application/* JSON, text/* SSE', () => {
    expect(parseAccept('*/*')).toEqual({ json: true, sse: true });
    expect(parseAccept('application/*')).toEqual({ json: true, sse: false });
    expect(parseAccept('text/*')).toEqual({ json: false, sse: true });
  });

  it('ignores unrelated types and look-alikes', () => {
    expect(parseAccept('text/html, application/xml')).toEqual({ json: false, sse: false });
    expect(parseAccept('application/json-seq, text/event-streams')).toEqual({ json: false, sse: false });
    expect(parseAccept('image/*')).toEqual({ json: false, sse: false });
  });

  it('is case-insensitive and tolerates whitespace', () => {
    expect(parseAccept('APPLICATION/JSON ,  Text/Event-Stream')).toEqual({ json: true, sse: true });
    expect(parseAccept(' */* ')).toEqual({ json: true, sse: true });
  });

  it('ignores parameters other than q', () => {
    expect(parseAccept('application/json; charset=utf-8, text/event-stream;charset=utf-8')).toEqual({ json: true, sse: true });
  });

  it('excludes a type with q=0 in its spellings (0, 0.0, 0.000, Q=0, spaces)', () => {
    for (const q of ['q=0', 'q=0.0', 'q=0.000', 'Q=0', ' q = 0 ', 'q=0.']) {
      expect(parseAccept(`application/json, text/event-stream;${q}`)).toEqual({ json: true, sse: false });
    }
    expect(parseAccept('application/json;charset=utf-8;q=0, text/event-stream')).toEqual({ json: false, sse: true });
    expect(parseAccept('*/*;q=0')).toEqual({ json: false, sse: false });
  });

  it('keeps a type with a positive q', () => {
    for (const q of ['q=0.1', 'q=0.001', 'q=1', 'q=1.0', 'q=0.5']) {
      expect(parseAccept(`text/event-stream;${q}`)).toEqual({ json: false, sse: true });
    }
  });

  it('does not take a parameter merely ending in q for the q parameter', () => {
    expect(parseAccept('text/event-stream;xq=0')).toEqual({ json: false, sse: true });
  });

  it('tolerates empty list members', () => {
    expect(parseAccept(',, application/json ,')).toEqual({ json: true, sse: false });
  });
});

describe('parseAccept specificity (RFC 9110 §12.5.1)', () => {
  it('an explicit q=0 on text/event-stream beats a */* wildcard (never SSE to a client that refused it)', () => {
    expect(parseAccept('application/json, text/event-stream;q=0, */*;q=0.1')).toEqual({ json: true, sse: false });
  });
  it('a wildcard with q=0 does not refuse an explicitly listed type', () => {
    expect(parseAccept('*/*;q=0, application/json')).toEqual({ json: true, sse: false });
  });
});
