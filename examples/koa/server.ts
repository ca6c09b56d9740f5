/** examples/everything mounted in a Koa app with @x/mcp-koa: http://127.0.0.1:$PORT/mcp (PORT defaults to 3000). */
import { mcpMiddleware } from '@x/mcp-koa';
import Koa from 'koa';
import { createEverything } from '../everything/everything.ts';

const port = Number(process.env.PORT ?? 3000);
const app = new Koa();
app.use(mcpMiddleware(createEverything())); // serves /mcp; other paths go on to later middleware
app.listen(port, '127.0.0.1', () => console.log(`MCP server listening on http://127.0.0.1:${port}/mcp`));
