import { defineConfig } from 'tsup';
import { base } from '../../tsup.config.base';

/**
 * valibot is bundled (tree-shaken) rather than imported: the core uses a dozen of its functions for
 * its own params schemas (protocol/params.ts), and importing the package means resolving it and
 * compiling all of its 200 KB at every start, a third of the core's import time (bench W5, cold
 * start). User schemas are not affected: they run through their own `~standard.validate`, with the
 * user's valibot (whose setGlobalConfig/setGlobalMessage no longer reach the core's own -32602
 * messages, which were shared only when both resolved to one copy). `@valibot/to-json-schema`
 * stays external: it is small, and it keeps global state (`addGlobalDefs`) that a user may set on
 * the copy the core shares with them.
 *
 * Not minified: minifying whitespace takes ~1 ms off the import but drops the `@__PURE__`
 * annotations, so an app bundling a part of the core would keep code it does not use.
 */
export default defineConfig({ ...base, entry: { index: 'src/index.ts' }, noExternal: ['valibot'] });
