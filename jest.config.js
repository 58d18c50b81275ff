// jest on ESM TypeScript, as the official action template runs it: ts-jest's ESM preset
// (transpile only, as tsconfig sets isolatedModules; `tsc --noEmit` type-checks), node's VM modules (NODE_OPTIONS in the
// npm scripts), and `.js` import specifiers mapped back to the .ts sources.
const esm = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
}

/** @type {import('jest').Config} */
export default {
  projects: [
    // Tables over pure functions: fast, no programs run.
    { ...esm, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    // Single modules against real programs (tar, strip, cargo, a local HTTP server).
    { ...esm, displayName: 'integration', testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'] },
    // dist/ run as a runner does, against real crates.
    { ...esm, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'] },
  ],
  testTimeout: 20 * 60 * 1000,
  reporters: ['default', '<rootDir>/__tests__/support/count-reporter.js'],
  // The minutes-long e2e files first, so that the workers finish together.
  testSequencer: '<rootDir>/__tests__/support/slow-first-sequencer.js',
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts'],
}
