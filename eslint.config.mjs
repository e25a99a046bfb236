import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import localBoundaries from './local/eslint.boundaries.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      '**/*.config.js',
      '**/*.config.mjs',
      'local/eslint.*.mjs',
      '.dependency-cruiser.cjs',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['test/**/*.ts', 'local/**/*.ts', 'demo/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Scripts run by tsx (the demo, the benchmarks) import the app's contracts, never a module that registers
    // functions: registering before local/host is loaded puts @azure/functions in its "test mode" and the host
    // then finds no function (jest hides this through its moduleNameMapper).
    files: ['demo/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/orchestrations',
                '**/src/index',
                '**/src/flows/*/*',
                '!**/src/flows/*/contracts',
              ],
              message: "import the flow's contracts.ts; this module registers functions when imported",
            },
          ],
        },
      ],
    },
  },
  {
    // The engine is pure: no I/O and no SDK imports.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@azure/*',
            'durable-functions',
            'node:fs',
            'node:http',
            'node:https',
            'node:net',
            'fs',
            'http',
            'https',
          ],
        },
      ],
    },
  },
  ...localBoundaries,
  prettier,
);
