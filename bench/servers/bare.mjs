// Baseline: bare node:http answering every POST with a fixed JSON-RPC result (no MCP logic).
import { createServer } from 'node:http';

const port = Number(process.env.PORT) || 3000;
const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }] } }));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'mcp-session-id': 'bare' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`ready bare http://127.0.0.1:${port}/mcp`));
