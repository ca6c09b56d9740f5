/**
 * The fixture on Bun, for test/bun.test.ts: `bun run src/fixture-bun.ts` prints `{"url":...}` on
 * stdout once listening. IDLE_TIMEOUT (seconds, default 1) is kept short on purpose: the suite
 * checks that long calls and quiet SSE streams outlive it.
 */
import { serve } from '@x/mcp-bun';
import { createFixture } from './fixture.ts';

const server = await serve(createFixture(), { port: 0, idleTimeout: Number(process.env.IDLE_TIMEOUT ?? 1), onError: () => {} });
console.log(JSON.stringify({ url: server.url }));
