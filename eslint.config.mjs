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
    // A focused test (`.only`) committed by mistake silently turns the rest of its file off.
    files: [
      '**/test/**/*.{ts,tsx,js,mjs,cjs}',
      '**/tests/**/*.{ts,tsx,js,mjs,cjs}',
      '**/*.test.{ts,tsx,js,mjs,cjs}',
      '**/*.spec.{ts,tsx,js,mjs,cjs}'
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression > MemberExpression.callee[property.name='only'][object.name=/^(it|test|describe|fit|fdescribe)$/]",
          message: 'A focused test (.only) must not be committed: it skips every other test in the file.'
        },
        {
          selector:
            "CallExpression > MemberExpression.callee[property.name='only'] > MemberExpression.object[object.name=/^(it|test|describe)$/]",
          message: 'A focused test (.only) must not be committed: it skips every other test in the file.'
        }
      ]
    }
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
);
