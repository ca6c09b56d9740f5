/**
 * The notifications a handler sends about its own request (logs, progress), built the same way in both eras; each
 * context decides where they go and whether they may go at all.
 */
import { messageText } from '../jsonrpc/serialize';
import { LEVELS } from '../protocol/params';
import type { Logger, LoggingLevel } from './types';

/**
 * A {@link Logger} whose calls become `notifications/message` texts handed to `send` (LOG-01, LOG-02).
 * @param send Receives the level (for the context's threshold) and a function building the text, called only
 *   when the context sends it.
 * @returns The logger.
 */
export function createLogger(send: (level: LoggingLevel, text: () => string) => void): Logger {
  const log = (level: LoggingLevel, data: unknown, logger?: string) =>
    send(level, () => messageText('notifications/message', logger === undefined ? { level, data } : { level, logger, data }));
  const l = { log } as Record<string, unknown>;
  for (const level of LEVELS) l[level] = (data: unknown, logger?: string) => log(level, data, logger);
  return l as unknown as Logger;
}

/**
 * The `notifications/progress` text for a request's `progressToken` (PROG-01), or undefined when the request has
 * no token or the value does not increase past `last`.
 * @param token The request's `_meta.progressToken`.
 * @param last The last progress sent for the request.
 * @param progress The new value.
 * @param total The total, if known.
 * @param message A message (2025-03-26+).
 * @returns The text, or undefined.
 */
export function progressText(token: unknown, last: number, progress: number, total?: number, message?: string): string | undefined {
  if ((typeof token !== 'string' && typeof token !== 'number') || !(progress > last)) return undefined;
  // Written out rather than stringified: the same text JSON.stringify would give, for the one message a long tool
  // sends most often.
  let params = `{"progressToken":${JSON.stringify(token)},"progress":${JSON.stringify(progress)}`;
  if (total !== undefined) params += `,"total":${JSON.stringify(total)}`;
  if (message !== undefined) params += `,"message":${JSON.stringify(message)}`;
  return `{"jsonrpc":"2.0","method":"notifications/progress","params":${params}}}`;
}
