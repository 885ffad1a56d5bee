// One jest run over every workspace. Tests import sources (not dist) through the mapper,
// so one copy of the contract is loaded and `instanceof GenesisError` holds everywhere.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.test.json' }] },
  moduleNameMapper: {
    '^@genesis-lab/contract$': '<rootDir>/../contract/src',
    '^@genesis-lab/contract/core$': '<rootDir>/../contract/src/core',
    '^@genesis-lab/client$': '<rootDir>/../client/src',
    '^@genesis-lab/client/core$': '<rootDir>/../client/src/core',
    '^@genesis-lab/kernel$': '<rootDir>/../kernel-helpers/src',
    '^@genesis-lab/platform$': '<rootDir>/../platform/src',
    '^@genesis-lab/test-support$': '<rootDir>/../test-support/src'
  }
};
// Tests that take a whole shared service for themselves (slurm-failures sets the one Slurm node
// DOWN, killing every job on it) must never run next to others: a normal run leaves them out,
// and scripts/test runs them alone afterwards (suite "serial": GENESIS_SERIAL_TESTS=1 --runInBand).
const serialTests = ['/platform/test/jobs/slurm-failures\\.test\\.ts$'];
const ignored = ['/node_modules/', ...(process.env.GENESIS_SERIAL_TESTS === '1' ? [] : serialTests)];
module.exports = {
  testTimeout: 60000,
  projects: ['contract', 'client', 'platform', 'kernel-helpers', 'cli', 'packaging', 'extension', 'test-support'].map(
    (p) => ({
      ...shared,
      displayName: p,
      rootDir: `<rootDir>/${p}`,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ignored
    })
  )
};
