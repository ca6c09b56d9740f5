/**
 * The leak check every suite ends with: the server holds nothing once every client closed.
 */
import type { Mcp, McpStats } from '@x/mcp-core';
import { waitFor } from './timing';

/** Every `stats()` counter at zero: what an idle server reports. */
export const ZERO: McpStats = { sessions: 0, connections: 0, inflight: 0, pendingClientRequests: 0, listenStreams: 0, tasks: 0, timers: 0, bufferedEvents: 0 };

/**
 * Waits until `stats()` is all zeros: no session, connection, request in flight, pending client request, listen
 * stream, task, timer or buffered event.
 * @param mcp The server.
 * @param timeoutMs How long to wait.
 * @returns The stats once all zero.
 * @throws With the last stats when they did not return to zero in time.
 */
export async function expectIdle(mcp: Mcp, timeoutMs = 3000): Promise<McpStats> {
  try {
    return await waitFor(() => {
      const s = mcp.stats();
      return Object.entries(ZERO).every(([k, v]) => s[k as keyof McpStats] === v) ? s : undefined;
    }, 'stats() to be all zeros', timeoutMs);
  } catch {
    throw new Error(`stats() did not return to zero: ${JSON.stringify(mcp.stats())}`);
  }
}
