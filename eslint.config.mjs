import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated, installed or tool state (what .gitignore lists; eslint does not read it).
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'lib/**',
      'build/**',
      'coverage/**',
      '.venv/**',
      '.tools/**',
      'genesis_lab/labextension/**',
      'ui-tests/.jupyter-test/**',
      'ui-tests/test-results/**',
      'ui-tests/playwright-report/**',
      'bench/results/**'
    ]
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error'
    }
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
);
