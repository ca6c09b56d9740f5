// @x/mcp bench server: one file for node:http, Bun and Deno. PORT (127.0.0.1), endpoint /mcp.
// Tools: echo ({ text } -> text content) and stream (10 notifications/progress, then a result).
import { createMcp } from '@x/mcp-core';

const port = Number(globalThis.Deno ? Deno.env.get('PORT') : process.env.PORT) || 3000;
const mcp = createMcp({ name: 'bench-ours', version: '0.0.0', sessions: { maxSessions: 50_000 } });

mcp.tool(
  'echo',
  { description: 'Echoes text', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  ({ text }) => ({ content: [{ type: 'text', text: String(text) }] }),
);
mcp.tool('stream', { description: '10 progress notifications, then a result' }, async (_args, ctx) => {
  for (let i = 1; i <= 10; i++) ctx.progress(i, 10);
  return { content: [{ type: 'text', text: 'done' }] };
});

let runtime;
if (globalThis.Bun) {
  const { serve } = await import('@x/mcp-bun');
  await serve(mcp, { port, hostname: '127.0.0.1' });
  runtime = 'bun';
} else if (globalThis.Deno) {
  const { serve } = await import('@x/mcp-deno');
  await serve(mcp, { port, hostname: '127.0.0.1' });
  runtime = 'deno';
} else {
  const { serve } = await import('@x/mcp-node-http');
  await serve({ fetch: mcp.handle, port, hostname: '127.0.0.1' });
  runtime = 'node';
}
console.log(`ready ours/${runtime} http://127.0.0.1:${port}/mcp`);
