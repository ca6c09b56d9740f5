/** examples/everything on node:http with @x/mcp-node-http: http://127.0.0.1:$PORT/mcp (PORT defaults to 3000). */
import { serve } from '@x/mcp-node-http';
import { createEverything } from '../everything/everything.ts';

const server = await serve({ fetch: createEverything().handle, port: Number(process.env.PORT ?? 3000) });
console.log(`MCP server listening on ${server.url}/mcp`);
