import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The page's components, where a unit test renders one, as vite builds them.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['test/**/*.test.ts'],
    // Many tests start real processes (ducklm serve, the CLI, llama-server, Chromium): on a busy
    // 2-core machine a test of several such steps can need far more than it does alone.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
