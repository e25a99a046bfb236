/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The local package's tests (local/test) run here too; `npm test -w local` runs them alone.
  roots: ['<rootDir>/test', '<rootDir>/local/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Without the Functions host, @azure/functions would skip registrations; the local host's
  // stand-in records them instead (see local/host).
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/local/host/functionsCore.ts',
  },
  // Every file of the app counts (bench/, local/ and test/ are not the app).
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: {
    global: { lines: 90, branches: 80 },
  },
  testTimeout: 60000,
};
