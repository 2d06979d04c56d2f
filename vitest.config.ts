import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index'): string => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a rebuild.
    alias: [
      ...['core', 'detectors', 'sinks'].map((pkg) => ({ find: new RegExp(`^@modelwatch/${pkg}$`), replacement: src(pkg) })),
      // Subpath exports (`@modelwatch/core/kafka`): packages/core/src/kafka.ts.
      { find: /^@modelwatch\/core\/([a-z-]+)$/, replacement: src('core', '$1') },
      // Helpers the packages' tests share (test/support), without ../../../ paths.
      { find: '#test-support', replacement: fileURLToPath(new URL('./test/support/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
