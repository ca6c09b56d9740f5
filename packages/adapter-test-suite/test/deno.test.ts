import { assertBuilt, runtimeBinary, startChild } from '../src/child.ts';
import { defineAdapterSuite } from '../src/suite.ts';

defineAdapterSuite({
  name: 'deno',
  start: () => {
    assertBuilt('mcp-core', 'deno');
    return startChild(runtimeBinary('tools/deno/node_modules/deno/deno', 'tools/deno/node_modules/.bin/deno'), ['run', '-A', 'src/fixture-deno.ts']);
  },
});
