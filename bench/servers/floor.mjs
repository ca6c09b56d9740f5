// The node-http adapter's floor: toNodeHandler/serve from @x/mcp-node-http with a handler that reads and parses the
// body and answers one fixed JSON-RPC result, with no MCP logic. It answers the way @x/mcp-core does on Node (a lazy
// response: status, header fields and text under the symbols the adapter reads; see the core's text-response.ts), so
// the difference between this server and ours.mjs is the core's own cost, and between bare.mjs and this one the
// adapter's. Used by instructions.mjs; any harness can drive it (it answers every POST, including the W3 handshake).
import { serve } from '@x/mcp-node-http';

const port = Number(process.env.PORT) || 3000;
const HEAD_FIELDS = Symbol.for('x-mcp.headFields');
const BODY_TEXT = Symbol.for('x-mcp.bodyText');
const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }] } });

await serve({
  port,
  hostname: '127.0.0.1',
  fetch: async (request) => {
    const text = await request.text();
    if (text !== '') JSON.parse(text);
    return { status: 200, [HEAD_FIELDS]: { 'content-type': 'application/json', 'mcp-session-id': 'floor' }, [BODY_TEXT]: body };
  },
});
console.log(`ready floor http://127.0.0.1:${port}/mcp`);
