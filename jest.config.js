/** Unit tests touch no I/O; integration tests run against the servers test/support chooses. */
const emulator = require('./packages/mongo-emulator/jest.config.js');

const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// The workspace package's source, as tsconfig.json's `paths` maps it: tests need no build of it first.
const moduleNameMapper = { '^@user-sync/mongo-emulator$': '<rootDir>/packages/mongo-emulator/src/index.ts' };
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
};

module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // A global option: jest ignores it inside `projects`. Unit tests finish in milliseconds either way.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Probes Docker once and prints which backends (MongoDB, Redis) the run uses.
      globalSetup: '<rootDir>/test/support/integration-global-setup.ts',
    },
    // The emulator package's own suites (packages/mongo-emulator/jest.config.js), so CI runs both.
    ...emulator.projects,
  ],
};
