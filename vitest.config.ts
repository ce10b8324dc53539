import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native addons must not be shared between vitest's worker threads; each file gets its own process.
    pool: 'forks',
    // Tests that spawn the CLI or start worker_threads run the compiled package, built once per run.
    globalSetup: ['test/helpers/global-setup.ts'],
    // Model work runs on as few as 2 CPU cores, often beside another test file; the export runs a Python tracer.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
