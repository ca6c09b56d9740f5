import { assertBuilt, runtimeBinary, startChild } from '../src/child.ts';
import { defineAdapterSuite } from '../src/suite.ts';

// Bun's idle timeout is set to 1 s in the fixture, so the idle-timeout case would fail without the adapter's fix.
defineAdapterSuite({
  name: 'bun',
  start: () => {
    assertBuilt('mcp-core', 'bun');
    return startChild(runtimeBinary('tools/bun/node_modules/bun/bin/bun.exe', 'tools/bun/node_modules/.bin/bun'), ['run', 'src/fixture-bun.ts'], { IDLE_TIMEOUT: '1' });
  },
});
