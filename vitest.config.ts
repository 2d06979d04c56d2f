import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change is tested without a rebuild.
    alias: {
      '@modelwatch/core': src('core'),
      '@modelwatch/detectors': src('detectors'),
      '@modelwatch/sinks': src('sinks'),
      '@modelwatch/http': src('http'),
      // Helpers the packages' tests share (test/support), without ../../../ paths.
      '#test-support': fileURLToPath(new URL('./test/support/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/build-once.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
