// One jest run over every workspace. Tests import sources (not dist) through the mapper,
// so one copy of the contract is loaded and `instanceof GenesisError` holds everywhere.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.test.json' }] },
  moduleNameMapper: {
    '^@genesis-lab/contract$': '<rootDir>/../contract/src',
    '^@genesis-lab/kernel$': '<rootDir>/../kernel-helpers/src',
    '^@genesis-lab/platform$': '<rootDir>/../platform/src',
    '^@genesis-lab/notebook-runner$': '<rootDir>/../runner/src'
  }
};
// Tests that take a whole shared service for themselves (slurm-failures sets the one Slurm node
// DOWN, killing every job on it) must never run next to others: a normal run leaves them out,
// and scripts/test runs them alone afterwards (suite "serial": GENESIS_SERIAL_TESTS=1 --runInBand).
const serialTests = ['/platform/test/jobs/slurm-failures\\.test\\.ts$'];
const ignored = ['/node_modules/', ...(process.env.GENESIS_SERIAL_TESTS === '1' ? [] : serialTests)];
module.exports = {
  testTimeout: 60000,
  projects: ['contract', 'platform', 'kernel-helpers', 'runner', 'packaging', 'extension'].map((p) => ({
    ...shared,
    displayName: p,
    rootDir: `<rootDir>/${p}`,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ignored
  }))
};
