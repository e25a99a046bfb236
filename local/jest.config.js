/**
 * The local package's own tests (`npm test -w local`, or `npx jest` in local/). The root `npm test` runs them too,
 * as one project of the root jest config.
 */
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'local',
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: `${__dirname}/tsconfig.json`, diagnostics: false }],
  },
  // Without the Functions runtime, @azure/functions would skip registrations; the host's stand-in records them.
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/host/functionsCore.ts',
  },
  testTimeout: 60000,
};
