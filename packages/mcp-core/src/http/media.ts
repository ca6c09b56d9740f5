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
  // The usual value, already in its essence form: no slicing, trimming or lower-casing.
  if (value === 'application/json') return value;
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** What an Accept header allows. */
export interface Accepts {
  readonly json: boolean;
  readonly sse: boolean;
}

/**
 * Parses an Accept header for the two types MCP uses. Wildcards count; `q=0` excludes.
 * A missing header accepts nothing (the caller decides how lenient to be).
 * @param value The Accept header value.
 * @returns Which of JSON and SSE are acceptable.
 */
export function parseAccept(value: string | null): Accepts {
  // A client sends the same Accept on every request: the last answer is kept (it is frozen, so it can be shared).
  if (value === lastAccept && lastAccepts !== undefined) return lastAccepts;
  const out = parseAcceptOnce(value);
  lastAccept = value;
  return (lastAccepts = Object.freeze(out));
}

let lastAccept: string | null = null;
let lastAccepts: Accepts | undefined;

function parseAcceptOnce(value: string | null): Accepts {
  const out = { json: false, sse: false };
  if (value === null) return out;
  // The most specific range decides (RFC 9110 §12.5.1): an explicit `q=0` beats a wildcard.
  let json = 0;
  let sse = 0; // specificity of the range that decided: 0 none, 1 */*, 2 type/*, 3 exact
  for (const part of value.split(',')) {
    const semi = part.indexOf(';');
    const type = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase();
    const refused = semi !== -1 && /(?:^|;)\s*q\s*=\s*0(?:\.0{0,3})?\s*(?:;|$)/i.test(part.slice(semi));
    const j = type === 'application/json' ? 3 : type === 'application/*' ? 2 : type === '*/*' ? 1 : 0;
    const s = type === 'text/event-stream' ? 3 : type === 'text/*' ? 2 : type === '*/*' ? 1 : 0;
    if (j > json) {
      json = j;
      out.json = !refused;
    }
    if (s > sse) {
      sse = s;
      out.sse = !refused;
    }
  }
  return out;
}
