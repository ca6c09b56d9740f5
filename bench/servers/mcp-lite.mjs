// mcp-lite with InMemorySessionAdapter (sessions, so progress can stream), on node:http through
// @remix-run/node-fetch-server.
import { createServer } from 'node:http';
import { createRequestListener } from '@remix-run/node-fetch-server';
import { InMemorySessionAdapter, McpServer, StreamableHttpTransport } from 'mcp-lite';
import * as z from 'zod';

const port = Number(process.env.PORT) || 3000;
const mcp = new McpServer({ name: 'bench-mcp-lite', version: '0.0.0', schemaAdapter: (s) => z.toJSONSchema(s) });
mcp.tool('echo', { description: 'Echoes text', inputSchema: z.object({ text: z.string() }), handler: ({ text }) => ({ content: [{ type: 'text', text }] }) });
mcp.tool('stream', {
  description: '10 progress notifications, then a result',
  handler: async (_args, ctx) => {
    for (let i = 1; i <= 10; i++) await ctx.progress?.({ progress: i, total: 10 });
    return { content: [{ type: 'text', text: 'done' }] };
  },
});
const handle = new StreamableHttpTransport({ sessionAdapter: new InMemorySessionAdapter({ maxEventBufferSize: 1024 }) }).bind(mcp);
createServer(
  createRequestListener(async (request) => (new URL(request.url).pathname === '/mcp' ? handle(request) : new Response(null, { status: 404 }))),
).listen(port, '127.0.0.1', () => console.log(`ready mcp-lite http://127.0.0.1:${port}/mcp`));
