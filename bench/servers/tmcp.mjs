// tmcp + @tmcp/transport-http (sessions and the 2026-07-28 per-request path), zod adapter, on node:http through
// @remix-run/node-fetch-server as tmcp's README shows.
import { createServer } from 'node:http';
import { createRequestListener } from '@remix-run/node-fetch-server';
import { ZodJsonSchemaAdapter } from '@tmcp/adapter-zod';
import { HttpTransport } from '@tmcp/transport-http';
import { McpServer } from 'tmcp';
import * as z from 'zod';

const port = Number(process.env.PORT) || 3000;
const server = new McpServer({ name: 'bench-tmcp', version: '0.0.0', description: 'bench' }, { adapter: new ZodJsonSchemaAdapter(), capabilities: { tools: {} } });
server.tool({ name: 'echo', description: 'Echoes text', schema: z.object({ text: z.string() }) }, ({ text }) => ({ content: [{ type: 'text', text }] }));
server.tool({ name: 'stream', description: '10 progress notifications, then a result' }, async () => {
  for (let i = 1; i <= 10; i++) server.progress(i, 10);
  return { content: [{ type: 'text', text: 'done' }] };
});
const transport = new HttpTransport(server, { path: '/mcp' });
createServer(createRequestListener(async (request) => (await transport.respond(request)) ?? new Response(null, { status: 404 }))).listen(port, '127.0.0.1', () =>
  console.log(`ready tmcp http://127.0.0.1:${port}/mcp`),
);
