// Official SDK v1 (@modelcontextprotocol/sdk): McpServer + StreamableHTTPServerTransport, stateful (one transport
// and one McpServer per session, as the SDK documents). SDK_SSE=1 answers POSTs over SSE (W2), else JSON.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';

const port = Number(process.env.PORT) || 3000;
const json = process.env.SDK_SSE !== '1';
const transports = new Map();

function build() {
  const server = new McpServer({ name: 'bench-sdk', version: '0.0.0' });
  server.registerTool('echo', { description: 'Echoes text', inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('stream', { description: '10 progress notifications, then a result' }, async (extra) => {
    const token = extra._meta?.progressToken;
    if (token !== undefined)
      for (let i = 1; i <= 10; i++) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 10 } });
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

async function readJson(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

const http = createServer(async (req, res) => {
  try {
    const sid = req.headers['mcp-session-id'];
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport) {
      if (sid || req.method !== 'POST' || !isInitializeRequest(body)) {
        res.writeHead(sid ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'No valid session' } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: json,
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      await build().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});
http.listen(port, '127.0.0.1', () => console.log(`ready sdk http://127.0.0.1:${port}/mcp`));
