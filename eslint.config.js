// Lint: mostly about runtime boundaries (docs/DEVELOPING.md). Type errors are tsc's job.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const forbid = (patterns, message) => ({ group: patterns, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-results/**', 'release/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins, no I/O.' })),
        patterns: [
          forbid(['**/db/**', '**/host/**', '**/electron/**', '**/renderer/**', '**/report/**', '**/office/**', '**/bin/**'], 'shared/ depends on nothing outside shared/.'),
          forbid(['better-sqlite3', 'pg', 'fastify', 'electron', 'pdfmake', 'react', 'react-dom'], 'shared/ is pure TypeScript without I/O or UI.'),
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx', 'office/web/**/*.ts', 'office/web/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node built-ins.' })),
        patterns: [
          forbid(['**/db/**', '**/host/**', '**/electron/**', '**/report/**', '**/bin/**', '**/office/server/**'], 'The renderer talks to the host only through the typed API (shared/api).'),
          forbid(['better-sqlite3', 'pg', 'fastify', 'electron', 'pdfmake'], 'The renderer never loads Node-side packages.'),
        ],
      }],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [forbid(['**/host/**', '**/electron/**', '**/renderer/**', '**/office/**', '**/bin/**', 'react', 'electron'], 'db/ is storage only.')] }],
    },
  },
  {
    files: ['host/**/*.ts', 'report/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [forbid(['**/renderer/**', '**/electron/**', 'electron', 'react', 'react-dom'], 'Host code runs in plain Node and in Electron main alike: no UI, no Electron APIs.')] }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The sandboxed preload has no Node built-ins.' })),
        patterns: [forbid(['**/db/**', '**/host/**', '**/renderer/**', '**/report/**', 'better-sqlite3'], 'The preload only forwards named API calls.')],
      }],
    },
  },
);
