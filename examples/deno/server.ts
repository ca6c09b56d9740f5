/** examples/everything on Deno with @x/mcp-deno: http://127.0.0.1:$PORT/mcp (PORT defaults to 3000). */
import { serve } from '@x/mcp-deno';
import { createEverything } from '../everything/everything.ts';

const server = await serve(createEverything(), { port: Number(Deno.env.get('PORT') ?? 3000) });
console.log(`MCP server listening on ${server.url}/mcp`);
