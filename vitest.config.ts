import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public specifiers; they run against source, no build needed.
    alias: {
      '@x/mcp-core': src('./packages/mcp-core/src/index.ts'),
      '@x/mcp-node-http': src('./packages/node-http/src/index.ts'),
      '@x/mcp-koa': src('./packages/koa/src/index.ts'),
      '@x/mcp-bun': src('./packages/bun/src/index.ts'),
      '@x/mcp-deno': src('./packages/deno/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
