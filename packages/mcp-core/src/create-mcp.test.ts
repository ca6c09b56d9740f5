/**
 * The fetch handler's HTTP gatekeeping, in-process (no sockets).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMcp } from './create-mcp';
import type { Mcp, McpOptions } from './mcp';
import { ErrorCode } from './jsonrpc/codes';

const servers: Mcp[] = [];
afterEach(async () => {
  for (const m of servers.splice(0)) await m.close();
});

function server(options: Partial<McpOptions> = {}): Mcp {
  const mcp = createMcp({ name: 'test', version: '1.0.0', keepAliveMs: 0, onError: () => {}, ...options });
  servers.push(mcp);
  return mcp;
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } };

function post(url: string, headers: Record<string, string> = {}, body: string = JSON.stringify(INIT)): Request {
  return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });
}

describe('endpoint routing (SH-01)', () => {
  it('serves /mcp by default and answers other paths with 404', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp'))).status).toBe(200);
    expect((await mcp.handle(post('http://localhost/mcp?x=1'))).status).toBe(200);
    const other = await mcp.handle(post('http://localhost/other'));
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe(ErrorCode.InvalidRequest);
    expect((await mcp.handle(post('http://localhost/mcp/'))).status).toBe(404);
  });

  it('serves every path with endpoint: null', async () => {
    const mcp = server({ endpoint: null });
    expect((await mcp.handle(post('http://localhost/anything/here'))).status).toBe(200);
  });

  it('answers other HTTP methods with 405 and an Allow header', async () => {
    const mcp = server();
    const res = await mcp.handle(new Request('http://localhost/mcp', { method: 'PUT' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, DELETE');
  });
});

describe('DNS-rebinding protection (SEC-01, MH-06)', () => {
  it('refuses a foreign Host with 403, loopback hosts pass', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp', { host: 'evil.com' }))).status).toBe(403);
    expect((await mcp.handle(post('http://localhost/mcp', { host: 'localhost.evil.com:3000' }))).status).toBe(403);
    expect((await mcp.handle(post('http://localhost/mcp', { host: '127.0.0.1:3000' }))).status).toBe(200);
    expect((await mcp.handle(post('http://localhost/mcp', { host: '[::1]:3000' }))).status).toBe(200);
  });

  it('falls back to the URL host without a Host header', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://evil.example/mcp'))).status).toBe(403);
  });

  it('refuses a foreign or null Origin with 403; no Origin passes', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp', { origin: 'https://evil.com' }))).status).toBe(403);
    expect((await mcp.handle(post('http://localhost/mcp', { origin: 'null' }))).status).toBe(403);
    expect((await mcp.handle(post('http://localhost/mcp', { origin: 'http://localhost:5173' }))).status).toBe(200);
  });

  it("allows everything with '*'", async () => {
    const mcp = server({ allowedHosts: '*', allowedOrigins: '*' });
    expect((await mcp.handle(post('http://localhost/mcp', { host: 'evil.com', origin: 'null' }))).status).toBe(200);
  });

  it('uses custom allowlists', async () => {
    const mcp = server({ allowedHosts: ['api.example.com'], allowedOrigins: ['https://app.example.com'] });
    expect((await mcp.handle(post('http://api.example.com/mcp', { origin: 'https://app.example.com' }))).status).toBe(200);
    expect((await mcp.handle(post('http://localhost/mcp'))).status).toBe(403);
    expect((await mcp.handle(post('http://api.example.com/mcp', { origin: 'http://app.example.com' }))).status).toBe(403);
  });
});

describe('POST checks (SH-02)', () => {
  it('answers a non-JSON Content-Type with 415', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp', { 'content-type': 'text/plain' }))).status).toBe(415);
  });

  it('accepts application/json with parameters', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp', { 'content-type': 'application/json; charset=utf-8' }))).status).toBe(200);
  });

  it('answers an Accept listing neither type with 406, and is lenient with JSON only or */* (TRAP-22)', async () => {
    const mcp = server();
    expect((await mcp.handle(post('http://localhost/mcp', { accept: 'text/html' }))).status).toBe(406);
    expect((await mcp.handle(post('http://localhost/mcp', { accept: 'application/json' }))).status).toBe(200);
    expect((await mcp.handle(post('http://localhost/mcp', { accept: '*/*' }))).status).toBe(200);
  });

  it('answers a body over maxBodyBytes with 413', async () => {
    const mcp = server({ maxBodyBytes: 64 });
    const res = await mcp.handle(post('http://localhost/mcp', {}, JSON.stringify({ ...INIT, pad: 'x'.repeat(100) })));
    expect(res.status).toBe(413);
  });

  it('answers GET without Accept: text/event-stream with 406', async () => {
    const mcp = server();
    const res = await mcp.handle(new Request('http://localhost/mcp', { method: 'GET', headers: { accept: 'application/json' } }));
    expect(res.status).toBe(406);
  });

  it('uses a body the framework already parsed (ctx.parsedBody)', async () => {
    const mcp = server();
    const req = new Request('http://localhost/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: 'ignored' });
    const res = await mcp.handle(req, { parsedBody: INIT });
    expect(res.status).toBe(200);
    expect((await res.json()).result.protocolVersion).toBe('2025-11-25');
  });
});

describe('close()', () => {
  it('ends every session', async () => {
    const mcp = server();
    await mcp.handle(post('http://localhost/mcp'));
    await mcp.handle(post('http://localhost/mcp'));
    expect(mcp.stats().sessions).toBe(2);
    await mcp.close();
    expect(mcp.stats()).toMatchObject({ sessions: 0, connections: 0, timers: 0 });
  });
});
