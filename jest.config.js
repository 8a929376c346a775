// Jest runs the TypeScript sources directly as ES modules (swc strips types;
// `npm run typecheck` is where types are checked).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // The fault suites (test/faults) run in their small CI profile here; their figures are printed
  // as one table at the end (`npm run test:faults` runs them at full size).
  reporters: ['default', '<rootDir>/test/faults/summary-reporter.js'],
  // Names anything the suites left open (see the file); Jest then exits even if something was,
  // so a leaked timer shows up as a warning in the log rather than a run that never ends.
  globalTeardown: '<rootDir>/test/support/report-open-handles.js',
  forceExit: true,
};
