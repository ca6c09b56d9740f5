import { serve } from '@x/mcp-node-http';
import { createFixture } from '../src/fixture.ts';
import { defineAdapterSuite } from '../src/suite.ts';

defineAdapterSuite({
  name: `node-http (Node ${process.versions.node})`,
  start: async () => {
    const fixture = createFixture();
    const server = await serve({ fetch: fixture.handle, port: 0, onError: () => {} });
    return {
      url: server.url,
      stop: async () => {
        await fixture.close();
        await server.close();
      },
    };
  },
});
