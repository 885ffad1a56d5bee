// One jest run over every workspace. Tests import sources (not dist) through the mapper,
// so one copy of the contract is loaded and `instanceof GenesisError` holds everywhere.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/../tsconfig.test.json' }] },
  moduleNameMapper: {
    '^@genesis-lab/contract$': '<rootDir>/../contract/src',
    '^@genesis-lab/kernel$': '<rootDir>/../kernel-helpers/src',
    '^@genesis-lab/platform$': '<rootDir>/../platform/src'
  }
};
module.exports = {
  testTimeout: 60000,
  projects: ['contract', 'platform', 'kernel-helpers', 'packaging', 'extension'].map((p) => ({
    ...shared,
    displayName: p,
    rootDir: `<rootDir>/${p}`,
    testMatch: ['<rootDir>/test/**/*.test.ts']
  }))
};
