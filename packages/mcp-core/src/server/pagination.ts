/**
 * Opaque list cursors (PAG-01): the page index, base64url-encoded with a prefix so a foreign string fails.
 */
import { McpError } from '../errors';
import { ErrorCode } from '../jsonrpc/codes';

/**
 * Encodes a page index as an opaque cursor.
 * @param page The page index (1 for the second page).
 * @returns The cursor.
 */
export function encodeCursor(page: number): string {
  return btoa(`p:${page}`).replace(/=+$/, '');
}

/**
 * Decodes a cursor. Throws -32602 for anything this server did not issue (PAG-01).
 * @param cursor The cursor from the request, or undefined for the first page.
 * @param pages How many pages exist now.
 * @returns The page index.
 */
export function decodeCursor(cursor: unknown, pages: number): number {
  if (cursor === undefined) return 0;
  let page = -1;
  if (typeof cursor === 'string' && cursor.length < 32) {
    try {
      const m = /^p:(\d{1,9})$/.exec(atob(cursor));
      if (m) page = Number(m[1]);
    } catch {
      // not base64: invalid
    }
  }
  if (page < 1 || page >= Math.max(pages, 1)) throw new McpError(ErrorCode.InvalidParams, 'Invalid or expired cursor', { cursor });
  return page;
}
