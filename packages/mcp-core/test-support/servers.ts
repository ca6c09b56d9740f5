/**
 * Quiet test servers for the core's unit tests: no keep-alive, errors swallowed, each closed after its test.
 */
import { afterEach, vi } from 'vitest';
import { createMcp } from '../src/create-mcp';
import type { Mcp, McpOptions } from '../src/mcp';

/**
 * Registers the clean-up for this test file and returns the factory.
 * @returns `server(options)`: a server closed (with real timers restored) after the current test.
 */
export function testServers(): (options?: Partial<McpOptions>) => Mcp {
  const servers: Mcp[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const m of servers.splice(0)) await m.close();
  });
  return (options = {}) => {
    const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {}, ...options });
    servers.push(mcp);
    return mcp;
  };
}
