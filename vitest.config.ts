import { defineConfig } from 'vitest/config';

// Integration tests start real servers (embedded MongoDB-wire server, redis-server) on free
// loopback ports, so files may run in parallel; each file owns its servers and data dirs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
