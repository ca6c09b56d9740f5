import type { Options } from 'tsup';

/**
 * Shared tsup defaults: ESM + CJS with declarations for both, targeting Node 20.
 * Each package spreads this and names its entries.
 */
export const base: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  treeshake: true,
  splitting: false,
  outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js', dts: format === 'cjs' ? '.d.cts' : '.d.ts' }),
};
