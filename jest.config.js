/** Unit tests touch no I/O; integration tests run against the servers test/support chooses. */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

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
  ],
};
