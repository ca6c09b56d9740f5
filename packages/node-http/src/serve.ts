import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchHandler } from '@x/mcp-core';
import { toNodeHandler, type NodeHandlerOptions } from './handler';

/** Options of {@link serve}: the handler, where to listen, and the bridge options. */
export interface ServeOptions extends NodeHandlerOptions {
  /** The fetch handler to serve, e.g. `mcp.handle`. */
  fetch: FetchHandler;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default '127.0.0.1': listen on all interfaces only when asked to. */
  hostname?: string;
  onListen?: (info: { port: number; hostname: string; url: string }) => void;
}

/** A listening server, as {@link serve} resolves it. */
export interface NodeServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Stop accepting, drop open connections (SSE streams included), resolve once closed. */
  close(): Promise<void>;
}

/** Serve a fetch handler on `node:http`; resolves once listening. */
export async function serve(options: ServeOptions): Promise<NodeServer> {
  const { fetch, port = 3000, hostname = '127.0.0.1', onListen, ...handlerOptions } = options;
  const server = createServer(toNodeHandler(fetch, handlerOptions));
  // requestTimeout would cut long-lived requests at 300 s; headersTimeout still guards slowloris.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const host = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  const url = `http://${host}:${address.port}`;
  onListen?.({ port: address.port, hostname, url });

  return {
    server,
    port: address.port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Closing twice is fine: ERR_SERVER_NOT_RUNNING means it is already closed.
        server.close((error) => (error && (error as { code?: string }).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
