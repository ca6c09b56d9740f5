// Official SDK v2 (@modelcontextprotocol/server + @modelcontextprotocol/node), on node:http. Two wirings, both as the
// SDK v2 documents them ("Serve over HTTP", "Support legacy clients", "Sessions, state, and scaling"):
//
//   SDK2_MODE=handler   createMcpHandler(factory) behind toNodeHandler: a fresh McpServer per request, the
//                       2026-07-28 path plus the SDK's default stateless 2025 fallback (no sessions; GET/DELETE 405).
//                       The anchor for the 2026-07-28 stateless workload (w1s) and the bundle.
//   (default)           2025 sessions: isLegacyRequest() routes 2025-era traffic to a sessionful
//                       NodeStreamableHTTPServerTransport (one McpServer + transport per session, kept in a Map
//                       by Mcp-Session-Id) and everything else to createMcpHandler(factory, { legacy: 'reject' }).
//                       The SDK v2's documented way to keep 2025 sessions (w1, w2, w3, w4, W5).
//   SDK2_SSE=1          (sessions wiring) answers 2025 POSTs over SSE instead of JSON, for the W2 progress stream.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

const port = Number(process.env.PORT) || 3000;
const mode = process.env.SDK2_MODE === 'handler' ? 'handler' : 'sessions';
const json = process.env.SDK2_SSE !== '1';

/** The one server definition both legs are built from (a factory, as createMcpHandler takes it). */
function buildServer() {
  const server = new McpServer({ name: 'bench-sdk2', version: '0.0.0' });
  server.registerTool('echo', { description: 'Echoes text', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool('stream', { description: '10 progress notifications, then a result' }, async (ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined)
      for (let i = 1; i <= 10; i++) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: i, total: 10 } });
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

const rpcError = (res, status, code, message) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));

let listener;
if (mode === 'handler') {
  listener = toNodeHandler(createMcpHandler(buildServer));
} else {
  const modern = toNodeHandler(createMcpHandler(buildServer, { legacy: 'reject' }));
  /** @type {Map<string, NodeStreamableHTTPServerTransport>} */
  const sessions = new Map();

  /** The sessionful 2025 leg: one transport (and one McpServer) per session, found by Mcp-Session-Id. */
  const legacy = async (req, res, body) => {
    const sid = req.headers['mcp-session-id'];
    const known = sid ? sessions.get(sid) : undefined;
    if (known) return known.handleRequest(req, res, body);
    if (sid) return rpcError(res, 404, -32001, 'Session not found');
    if (req.method !== 'POST' || !isInitializeRequest(body)) return rpcError(res, 400, -32000, 'Bad Request: Session ID required');
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: json,
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await buildServer().connect(transport);
    return transport.handleRequest(req, res, body);
  };

  listener = async (req, res) => {
    // GET (standalone stream) and DELETE (end of session) exist only in 2025 sessions.
    if (req.method !== 'POST') return legacy(req, res, undefined);
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return rpcError(res, 400, -32700, 'Parse error');
    }
    // The body is already parsed, so the predicate classifies from it instead of reading a clone.
    const probe = await toWebRequest(req, body);
    return (await isLegacyRequest(probe, body)) ? legacy(req, res, body) : modern(req, res, body);
  };
}

createServer((req, res) => {
  if (!req.url?.startsWith('/mcp')) return void res.writeHead(404).end();
  Promise.resolve(listener(req, res)).catch((e) => {
    if (!res.headersSent) res.writeHead(500).end(String(e));
    else res.destroy();
  });
}).listen(port, '127.0.0.1', () => console.log(`ready sdk2/${mode}${json ? '' : '+sse'} http://127.0.0.1:${port}/mcp`));
