// One jest run over every workspace. Tests import sources (not dist) through the mapper,
// so one copy of the contract is loaded and `instanceof GenesisError` holds everywhere.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.test.json' }] },
  moduleNameMapper: {
    '^@genesis-lab/contract$': '<rootDir>/../contract/src',
    '^@genesis-lab/contract/core$': '<rootDir>/../contract/src/core',
    '^@genesis-lab/contract/node$': '<rootDir>/../contract/src/node',
    '^@genesis-lab/client$': '<rootDir>/../client/src',
    '^@genesis-lab/client/core$': '<rootDir>/../client/src/core',
    '^@genesis-lab/kernel$': '<rootDir>/../kernel-helpers/src',
    '^@genesis-lab/platform$': '<rootDir>/../platform/src',
    '^@genesis-lab/test-support$': '<rootDir>/../test-support/src',
    '^@genesis-lab/notebook-runner$': '<rootDir>/../runner/src'
  }
};
// Tests that take a whole shared service for themselves (slurm-failures sets the one Slurm node
// DOWN, killing every job on it; slurm-outage stops slurmctld) must never run next to others: a
// normal run leaves them out, and scripts/test runs them alone afterwards (suite "serial":
// GENESIS_SERIAL_TESTS=1 --runInBand).
const serialTests = [
  '/platform/test/jobs/slurm-failures\\.test\\.ts$',
  '/platform/test/jobs/slurm-outage\\.test\\.ts$'
];
const ignored = ['/node_modules/', ...(process.env.GENESIS_SERIAL_TESTS === '1' ? [] : serialTests)];
const node = (p) => ({
  ...shared,
  displayName: p,
  rootDir: `<rootDir>/${p}`,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ignored
});
// JupyterLab and Lumino ship ES modules: ts-jest (allowJs) compiles them to CommonJS, as
// @jupyterlab/testing's jest config does with babel. Everything else in node_modules is CommonJS.
const ES_MODULES = [
  '@jupyterlab',
  '@lumino',
  '@jupyter',
  '@microsoft',
  'exenv-es6',
  'lib0',
  'yjs',
  'y-protocols',
  '@codemirror',
  '@lezer',
  'style-mod',
  'w3c-keyname',
  'crelt',
  '@marijn'
];
const extension = {
  ...node('extension'),
  // The models' tests run in jsdom (the browser the models live in); bench.test.ts drives a real Chromium from Node.
  testEnvironment: 'jsdom',
  transform: {
    '^.+\\.[jt]sx?$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.extension-test.json' }],
    '^.+\\.svg$': '<rootDir>/test/support/svg-transform.js'
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ES_MODULES.join('|')})/)`],
  setupFiles: ['<rootDir>/test/support/jsdom-shims.js'],
  // CSS imported by JupyterLab packages means nothing to a model test.
  moduleNameMapper: { ...shared.moduleNameMapper, '\\.css$': '<rootDir>/test/support/empty.js' }
};
module.exports = {
  testTimeout: 60000,
  projects: [
    ...['contract', 'client', 'platform', 'kernel-helpers', 'runner', 'cli', 'packaging', 'test-support'].map(node),
    extension
  ]
};
