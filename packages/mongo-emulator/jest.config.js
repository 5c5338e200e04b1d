/**
 * Unit tests touch no I/O; integration tests speak the wire protocol with the real driver, to MONGO_URL when
 * set (a real replica set) or to an emulator each file starts. The service's root jest config runs these
 * projects too, so both suites run in its CI.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'emulator-unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'emulator-integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
  ],
};
