// Load generator on undici: a keep-alive Pool with a fixed connection count, one request in flight per connection,
// a bounded duration AND a bounded request count, latency samples for p50/p99.
//
//   node load.mjs '{"url":"http://127.0.0.1:3000/mcp","workload":"w1","connections":32,"seconds":5}'
//
// Prints one JSON line: { ok, errors, seconds, rps, p50, p99, unit, rate } (latencies in ms).
// Workloads: w1 (tools/call echo in one 2025 session, JSON), w2 (tools/call stream with a progressToken over SSE,
// rate = SSE events/s), w3 (session churn: initialize, initialized, tools/call, DELETE; rate = sessions/s),
// w1s (tools/call echo on the 2026-07-28 per-request path: no session, mirrored headers, _meta), w4 (open `sessions` idle sessions: initialize + initialized, then stop), bare (fixed POST, no session).
import { Pool } from 'undici';

export const PROTOCOL = '2025-06-18';
const ACCEPT = 'application/json, text/event-stream';
/** Requests one load run may send at most, whatever its duration. */
export const MAX_REQUESTS = 2_000_000;

const rpc = (id, method, params) => JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
const INIT = rpc(1, 'initialize', { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'bench', version: '0.0.0' } });
const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
const ECHO = rpc(2, 'tools/call', { name: 'echo', arguments: { text: 'hello' } });
const ECHO_2026 = rpc(2, 'tools/call', {
  name: 'echo',
  arguments: { text: 'hello' },
  _meta: {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '0.0.0' },
  },
});
const HEADERS_2026 = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' };
const STREAM = rpc(3, 'tools/call', { name: 'stream', arguments: {}, _meta: { progressToken: 'p1' } });

function headers(session) {
  const h = { 'content-type': 'application/json', accept: ACCEPT };
  if (session) {
    h['mcp-session-id'] = session;
    h['mcp-protocol-version'] = PROTOCOL;
  }
  return h;
}

/**
 * One request through undici's `dispatch` (the layer under `request()`), the body collected as bytes and decoded
 * once: no Readable stream and no body mixin per request, which took a third of the generator's CPU.
 * @returns {Promise<{ status: number, headers: Record<string, string | string[] | undefined>, text: string }>}
 */
function send(pool, opts) {
  return new Promise((resolve, reject) => {
    let status = 0;
    let head = {};
    const chunks = [];
    pool.dispatch(opts, {
      onRequestStart() {},
      onResponseStart(_c, statusCode, responseHeaders) {
        status = statusCode;
        head = responseHeaders;
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        resolve({ status, headers: head, text });
      },
      onResponseError(_c, error) {
        reject(error);
      },
    });
  });
}

function post(pool, path, body, session) {
  return send(pool, { path, method: 'POST', headers: session === 2026 ? HEADERS_2026 : headers(session), body });
}

/** initialize + notifications/initialized; returns the session id (or '' when the server is stateless). */
export async function openSession(pool, path) {
  const r = await post(pool, path, INIT);
  if (r.status !== 200 || !r.text.includes('"result"')) throw new Error(`initialize: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  const session = r.headers['mcp-session-id'] ?? '';
  const n = await post(pool, path, INITIALIZED, session);
  if (n.status !== 202 && n.status !== 200) throw new Error(`initialized: HTTP ${n.status} ${n.text.slice(0, 200)}`);
  return session;
}

async function call(pool, path, body, session, check) {
  const r = await post(pool, path, body, session);
  if (r.status !== 200 || !check(r.text)) throw new Error(`tools/call: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  return r.text;
}
const hasResult = (t) => t.includes('"result"');

/**
 * The one request a fixed-request generator (bench/wrk.mjs) repeats for `workload`: `bare` and `w1` send the
 * `echo` call of load.mjs's W1 (`w1` in a session opened here first and named in the headers), `w1s` its
 * 2026-07-28 form. One such request is sent and its answer checked (HTTP 200, a JSON-RPC result) before it is returned.
 * @returns {Promise<{ headers: Record<string, string>, body: string }>}
 */
export async function fixedRequest(url, workload) {
  if (workload !== 'bare' && workload !== 'w1' && workload !== 'w1s') throw new Error(`no fixed request for workload ${workload}`);
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: 1 });
  try {
    const session = workload === 'w1s' ? 2026 : workload === 'w1' ? await openSession(pool, u.pathname) : '';
    const body = workload === 'w1s' ? ECHO_2026 : ECHO;
    await call(pool, u.pathname, body, session, hasResult);
    return { headers: session === 2026 ? HEADERS_2026 : headers(session), body };
  } finally {
    await pool.destroy().catch(() => {});
  }
}
const countEvents = (t) => {
  let n = 0;
  for (let i = t.indexOf('data:'); i !== -1; i = t.indexOf('data:', i + 5)) n++;
  return n;
};

export async function run({ url, workload, connections = 32, seconds = 5, sessions = 10_000, maxRequests = MAX_REQUESTS }) {
  const u = new URL(url);
  const path = u.pathname;
  const pool = new Pool(u.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const lat = [];
  let ok = 0;
  let errors = 0;
  let events = 0;
  let firstError;
  let issued = 0;
  try {
    let shared = '';
    if (workload === 'w1' || workload === 'w2') shared = await openSession(pool, path);
    const one =
      workload === 'bare'
        ? () => call(pool, path, ECHO, '', hasResult)
        : workload === 'w1s'
          ? () => call(pool, path, ECHO_2026, 2026, hasResult)
        : workload === 'w1'
          ? () => call(pool, path, ECHO, shared, hasResult)
          : workload === 'w2'
            ? async () => {
                const t = await call(pool, path, STREAM, shared, hasResult);
                const n = countEvents(t);
                if (n !== 11) throw new Error(`stream: expected 11 SSE events, got ${n}: ${t.slice(0, 200)}`);
                events += n;
              }
            : workload === 'w3'
              ? async () => {
                  const s = await openSession(pool, path);
                  await call(pool, path, ECHO, s, hasResult);
                  const d = await send(pool, { path, method: 'DELETE', headers: headers(s) });
                  if (d.status >= 300) throw new Error(`DELETE: HTTP ${d.status}`);
                }
              : workload === 'w4'
                ? () => openSession(pool, path)
                : null;
    if (!one) throw new Error(`unknown workload ${workload}`);
    const limit = workload === 'w4' ? sessions : maxRequests;
    const start = performance.now();
    const end = start + seconds * 1000;
    const worker = async () => {
      while (issued < limit && performance.now() < end) {
        issued++;
        const t0 = performance.now();
        try {
          await one();
          lat.push(performance.now() - t0);
          ok++;
        } catch (e) {
          errors++;
          firstError ??= String(e?.message ?? e);
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    const elapsed = (performance.now() - start) / 1000;
    lat.sort((a, b) => a - b);
    const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN);
    const rps = ok / elapsed;
    return { workload, connections, ok, errors, firstError, seconds: elapsed, rps, p50: q(0.5), p99: q(0.99), rate: workload === 'w2' ? events / elapsed : rps };
  } finally {
    await pool.destroy().catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = JSON.parse(process.argv[2] ?? '{}');
  run(args).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.log(JSON.stringify({ ok: 0, errors: 1, firstError: String(e?.message ?? e) }));
      process.exitCode = 1;
    },
  );
}
