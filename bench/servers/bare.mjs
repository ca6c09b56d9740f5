// Baseline: bare node:http, no MCP logic. Every POST is answered with a fixed JSON-RPC result, except a POST whose
// body names the `stream` tool (`"name":"stream"`): that one gets a text/event-stream of 10 fixed
// notifications/progress events and one result event (the 11 `data:` events load.mjs w2 checks), one res.write per
// event, then res.end. It answers initialize the same fixed way, with an `Mcp-Session-Id` header, so the session
// workloads' handshake passes without any MCP logic.
import { createServer } from 'node:http';

const port = Number(process.env.PORT) || 3000;
const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }] } }));
const event = (msg) => Buffer.from(`event: message\ndata: ${JSON.stringify(msg)}\n\n`);
const progress = Array.from({ length: 10 }, (_, i) =>
  event({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p1', progress: i + 1, total: 10 } }),
);
const result = event({ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'done' }] } });
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': 'bare' };

// Looked for in each body chunk as bytes (no decoding, so W1 pays next to nothing for it). A request body this small
// arrives in one chunk on loopback.
const STREAM = Buffer.from('"name":"stream"');

const server = createServer((req, res) => {
  let stream = false;
  req.on('data', (c) => {
    if (!stream && c.includes(STREAM)) stream = true;
  });
  req.on('end', () => {
    if (stream) {
      res.writeHead(200, SSE_HEADERS);
      for (const e of progress) res.write(e);
      res.write(result);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'mcp-session-id': 'bare' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`ready bare http://127.0.0.1:${port}/mcp`));
