/**
 * @module Server-Sent Events wire encoding (WHATWG HTML, "server-sent events" event stream format).
 * Pure string building: no I/O, no runtime APIs.
 */

/** One event as it goes on the wire. Every field is optional, but at least one must be set. */
export interface SseEvent {
  /** Sets the client's last event id. Must not contain CR, LF or NUL. An empty string resets it. */
  id?: string;
  /** Event type; the client dispatches `message` when absent. Must not contain CR, LF or NUL. */
  event?: string;
  /** Payload. Line breaks (`\r\n`, `\r`, `\n`) split it over several `data:` lines; `''` gives one empty `data:` line. */
  data?: string;
  /** Reconnection delay in ms the client should use. A non-negative integer. */
  retry?: number;
}

/** Any of the three line breaks the SSE format accepts. */
const LINE_BREAK = /\r\n|\r|\n/;
/** Characters a single-line field (`id`, `event`) cannot hold. */
const FORBIDDEN_IN_FIELD = /[\r\n\0]/;

/** True when `text` holds a CR or an LF. Two indexOf scans beat a regex on the hot path. */
function hasLineBreak(text: string): boolean {
  return text.indexOf('\n') !== -1 || text.indexOf('\r') !== -1;
}

/** Throws a TypeError naming `field` unless `value` is a string free of CR, LF and NUL. */
function checkField(field: 'id' | 'event', value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`SSE ${field} must be a string`);
  }
  if (FORBIDDEN_IN_FIELD.test(value)) {
    throw new TypeError(`SSE ${field} must not contain CR, LF or NUL`);
  }
  return value;
}

/** Appends one `prefix<line>\n` per line of `text` to `out`. */
function pushLines(out: string[], prefix: string, text: string): void {
  if (!hasLineBreak(text)) {
    out.push(prefix + text + '\n');
    return;
  }
  for (const line of text.split(LINE_BREAK)) out.push(prefix + line + '\n');
}

/**
 * Encodes one event as an SSE frame: optional `id:`, `event:` and `retry:` lines, then one
 * `data:` line per line of `data`, then the blank line that dispatches it.
 *
 * @param e - The event. `id` and `event` must not contain CR, LF or NUL; `retry` must be a
 *   non-negative integer; at least one field must be set.
 * @returns The frame text, ending in `\n\n`.
 * @throws TypeError when a field is invalid or the event is empty.
 * @example
 * encodeSseEvent({ data: '{"jsonrpc":"2.0"}' });     // 'data: {"jsonrpc":"2.0"}\n\n'
 * encodeSseEvent({ id: '7', data: '' });             // 'id: 7\ndata: \n\n' (a priming event)
 * encodeSseEvent({ event: 'message', data: 'a\nb' }); // 'event: message\ndata: a\ndata: b\n\n'
 */
export function encodeSseEvent(e: SseEvent): string {
  const { id, event, data, retry } = e;

  // Fast path: the usual JSON-RPC message, one line of data and nothing else.
  if (event === undefined && retry === undefined && typeof data === 'string' && !hasLineBreak(data)) {
    if (id === undefined) return `data: ${data}\n\n`;
    // And with an id (resumable streams): a message and its event id.
    return `id: ${checkField('id', id)}\ndata: ${data}\n\n`;
  }

  const out: string[] = [];
  if (id !== undefined) out.push(`id: ${checkField('id', id)}\n`);
  if (event !== undefined) out.push(`event: ${checkField('event', event)}\n`);
  if (retry !== undefined) {
    if (typeof retry !== 'number' || !Number.isSafeInteger(retry) || retry < 0) {
      throw new TypeError('SSE retry must be a non-negative integer');
    }
    out.push(`retry: ${retry}\n`);
  }
  if (data !== undefined) {
    if (typeof data !== 'string') throw new TypeError('SSE data must be a string');
    pushLines(out, 'data: ', data);
  }
  if (out.length === 0) {
    throw new TypeError('SSE event must set at least one of id, event, data or retry');
  }
  out.push('\n');
  return out.join('');
}

/**
 * Encodes an SSE comment: lines the client ignores, used as keep-alives or for debugging.
 *
 * @param text - The comment. Each of its lines becomes a `: <line>` line. Omitted or empty
 *   gives the shortest comment, `:`.
 * @returns The comment frame, ending in `\n\n`.
 * @example
 * encodeSseComment();            // ':\n\n'
 * encodeSseComment('ping');      // ': ping\n\n'
 * encodeSseComment('a\r\nb');    // ': a\n: b\n\n'
 */
export function encodeSseComment(text?: string): string {
  if (text === undefined || text === '') return ':\n\n';
  if (!hasLineBreak(text)) return `: ${text}\n\n`;
  const out: string[] = [];
  for (const line of text.split(LINE_BREAK)) out.push(line === '' ? ':\n' : `: ${line}\n`);
  out.push('\n');
  return out.join('');
}
