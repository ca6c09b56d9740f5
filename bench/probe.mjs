// One complete first call, for readiness and cold start: initialize, initialized, tools/call echo (bare: one POST).
// Resolves to the time (performance.now()) at which the call was answered with a result, or false on any failure
// (connection refused included). The session is closed with a DELETE after that time is taken: cold start ends at
// the first answered call, not at the clean-up after it.
import { request } from 'undici';

const H = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
async function post(url, body, extra = {}) {
  const r = await request(url, { method: 'POST', headers: { ...H, ...extra }, body: JSON.stringify(body), headersTimeout: 5000, bodyTimeout: 5000 });
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
}
export async function firstCall(url, bare = false) {
  try {
    if (!bare) {
      const i = await post(url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '0' } } });
      if (i.status !== 200) return false;
      const sid = i.headers['mcp-session-id'];
      const h = sid ? { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' } : {};
      await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
      const c = await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } }, h);
      const answeredAt = performance.now();
      const ok = c.status === 200 && c.text.includes('"result"');
      if (sid) await request(url, { method: 'DELETE', headers: h }).then((r) => r.body.text()).catch(() => {});
      return ok && answeredAt;
    }
    const c = await post(url, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });
    const answeredAt = performance.now();
    return c.status === 200 && c.text.includes('"result"') && answeredAt;
  } catch {
    return false;
  }
}
