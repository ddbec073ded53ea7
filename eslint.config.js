// ESLint (flat config): the recommended JavaScript and typescript-eslint rules (syntactic only, so linting stays
// fast), no import cycles, and no imports of another package's src/ (use its package name and entry points).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/', '**/node_modules/', 'bench/results/', 'packages/backend-cuda/native/build/', 'test/output/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/packages/*/src/**', '@internimage/*/src/**', 'internimage/src/**', '../../*/src/**'],
          message: "import another package by its name (or a subpath it exports), not from its src/",
        }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
