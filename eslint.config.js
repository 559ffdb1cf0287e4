// Lint: typescript-eslint with type information, plus the layer rules (which module may import what) enforced mechanically.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const typed = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/consistent-type-imports': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
  eqeqeq: ['error', 'always', { null: 'ignore' }],
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
  'no-empty': ['error', { allowEmptyCatch: true }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'test/artifacts/**', 'bench/out/**', 'bin/**', 'scripts/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['renderer/vite.config.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: typed,
  },
  {
    // shared/: plain types + the contract. Imports nothing but zod.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'electron', 'react', 'react-*', 'better-sqlite3*', 'fs', 'path', 'os', '../../*', '**/main/**', '**/renderer/**'], message: 'shared/ imports nothing but zod and itself.' }] }],
    },
  },
  {
    // The engine runs under plain Node: never electron.
    files: ['main/engine/**/*.ts', 'main/cli.ts', 'main/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/shell may import electron (layer rule).' }], patterns: [{ group: ['**/renderer/**', '**/shell/**'], message: 'The engine may not import the renderer or the shell.' }] }] },
  },
  {
    // Renderer: only shared/ and its own files; talks to main through renderer/api.ts.
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The renderer is sandboxed: use renderer/api.ts.' }], patterns: [{ group: ['**/main/**', 'node:*', 'fs', 'path', 'os', 'child_process'], message: 'The renderer imports only shared/ and its own files.' }] }],
    },
  },
  {
    // Size limits: a file or function past these does more than one job; split it into named parts.
    files: ['main/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 150, skipBlankLines: true, skipComments: true }],
    },
  },
);
