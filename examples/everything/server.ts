/**
 * Starts the everything server on node:http at http://127.0.0.1:$PORT/mcp (PORT defaults to 3000). With
 * EVERYTHING_STATELESS=1 it serves 2026-07-28 alone (createStatelessMcp).
 */
import { serve } from '@x/mcp-node-http';
import { createEverything, createStatelessEverything } from './everything.ts';

const mcp = process.env.EVERYTHING_STATELESS === '1' ? createStatelessEverything() : createEverything();
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';

const server = await serve({ fetch: mcp.handle, port, hostname });
console.log(`MCP server listening on ${server.url}/mcp`);

// The watched resource changes every few seconds, for clients that subscribed.
const ticker = setInterval(() => mcp.resourceUpdated('test://watched-resource'), 3000);
ticker.unref();

const stop = async () => {
  clearInterval(ticker);
  await mcp.close();
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
