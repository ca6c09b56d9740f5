/** examples/everything on Bun with @x/mcp-bun: http://127.0.0.1:$PORT/mcp (PORT defaults to 3000). */
import { serve } from '@x/mcp-bun';
import { createEverything } from '../everything/everything.ts';

const server = await serve(createEverything(), { port: Number(process.env.PORT ?? 3000) });
console.log(`MCP server listening on ${server.url}/mcp`);
