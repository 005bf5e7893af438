import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'scripts/**/*.test.ts',
      'supabase/functions/**/*.test.ts',
    ],
    globalSetup: ['scripts/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Files that start stacks and databases are heavy; two cores, so two workers.
    maxWorkers: 2,
    pool: 'forks',
  },
});
