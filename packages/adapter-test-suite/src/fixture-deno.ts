/**
 * The fixture on Deno, for test/deno.test.ts: `deno run -A src/fixture-deno.ts` prints `{"url":...}`
 * on stdout once listening.
 */
import { serve } from '@x/mcp-deno';
import { createFixture } from './fixture.ts';

const server = await serve(createFixture(), { port: 0, onError: () => {} });
console.log(JSON.stringify({ url: server.url }));
