import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index'): string => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a rebuild.
    alias: [
      ...['core', 'detectors', 'sinks', 'http'].map((pkg) => ({ find: new RegExp(`^@modelwatch/${pkg}$`), replacement: src(pkg) })),
      // Subpath exports (`@modelwatch/core/kafka`, `@modelwatch/sinks/report`): packages/core/src/kafka.ts, ...
      { find: /^@modelwatch\/([a-z]+)\/([a-z-]+)$/, replacement: src('$1', '$2') },
      // Helpers the packages' tests share (test/support), without ../../../ paths.
      { find: '#test-support', replacement: fileURLToPath(new URL('./test/support/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
