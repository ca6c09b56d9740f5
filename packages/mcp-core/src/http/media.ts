/**
 * Media-type checks on parsed header values (no substring matching).
 */

/**
 * The essence (type/subtype, lowercased) of a Content-Type value.
 * @param value A Content-Type header value.
 * @returns e.g. `application/json`, or '' when absent.
 */
export function mediaType(value: string | null): string {
  if (value === null) return '';
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** What an Accept header allows. */
export interface Accepts {
  json: boolean;
  sse: boolean;
}

/**
 * Parses an Accept header for the two types MCP uses. Wildcards count; `q=0` excludes.
 * A missing header accepts nothing (the caller decides how lenient to be).
 * @param value The Accept header value.
 * @returns Which of JSON and SSE are acceptable.
 */
export function parseAccept(value: string | null): Accepts {
  const out = { json: false, sse: false };
  if (value === null) return out;
  for (const part of value.split(',')) {
    const semi = part.indexOf(';');
    const type = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase();
    if (semi !== -1 && /(?:^|;)\s*q\s*=\s*0(?:\.0{0,3})?\s*(?:;|$)/i.test(part.slice(semi))) continue;
    if (type === '*/*') {
      out.json = true;
      out.sse = true;
    } else if (type === 'application/json' || type === 'application/*') out.json = true;
    else if (type === 'text/event-stream' || type === 'text/*') out.sse = true;
  }
  return out;
}
