// Lint: mostly about runtime boundaries (docs/DEVELOPING.md). Type errors are tsc's job.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const forbid = (patterns, message) => ({ group: patterns, message });

/** What host/ may never import (it runs in plain Node and in Electron main alike). */
const hostBoundaries = [
  forbid(
    ['**/renderer/**', '**/electron/**', 'electron', 'react', 'react-dom'],
    'Host code runs in plain Node and in Electron main alike: no UI, no Electron APIs.',
  ),
  // The laptop reaches the office only over HTTP; the wire format they share lives in shared/sync.
  forbid(
    ['**/office/**', 'fastify', 'pg'],
    'The laptop host never loads office code: talk to the office over HTTP with shared/sync/protocol.ts.',
  ),
];
/** Types are free; values would load the PDF and signing code when the laptop opens (issue 16). */
const hostReportCodeOnFirstUse = {
  ...forbid(
    ['**/report/index.ts', '**/report/pkcs11.ts', 'sharp', 'pdf-lib', 'pkijs', 'node-forge', 'pdfmake'],
    "The host loads the report code on first use: import('../report/index.ts') where it is needed (docs/DEVELOPING.md).",
  ),
  allowTypeImports: true,
};

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
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins, no I/O.' })),
          patterns: [
            forbid(
              ['**/db/**', '**/host/**', '**/electron/**', '**/renderer/**', '**/report/**', '**/office/**', '**/bin/**'],
              'shared/ depends on nothing outside shared/.',
            ),
            forbid(
              ['better-sqlite3', 'pg', 'fastify', 'electron', 'pdfmake', 'react', 'react-dom'],
              'shared/ is pure TypeScript without I/O or UI.',
            ),
          ],
        },
      ],
    },
  },
  // renderer/office/ (the clerk's queue screen) shares its name with the top-level office/, so a glob
  // cannot tell `../office/x` apart: the import escapes to the repository root only when it climbs as many
  // levels as the file is deep. One block per depth, each naming that exact climb.
  ...[1, 2, 3, 4, 5, 6].map((depth) => ({
    files: [`renderer/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node built-ins.' })),
          patterns: [
            forbid(
              ['**/db/**', '**/host/**', '**/electron/**', '**/report/**', '**/bin/**'],
              'The renderer talks to the host only through the typed API (shared/api).',
            ),
            {
              regex: `^(\\.\\./){${depth}}office/`,
              message: 'The renderer never loads office server code: the office is reached over HTTP by the host.',
            },
            forbid(['better-sqlite3', 'pg', 'fastify', 'electron', 'pdfmake'], 'The renderer never loads Node-side packages.'),
          ],
        },
      ],
    },
  })),
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              ['**/host/**', '**/electron/**', '**/renderer/**', '**/office/**', '**/bin/**', 'react', 'electron'],
              'db/ is storage only.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...hostBoundaries, hostReportCodeOnFirstUse] }] },
  },
  {
    // The report thread exists to run the report code: it loads it at once.
    files: ['host/worker/report-thread.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: hostBoundaries }] },
  },
  {
    files: ['report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              [
                '**/host/**',
                '**/db/**',
                '**/renderer/**',
                '**/office/**',
                '**/electron/**',
                '**/bin/**',
                'electron',
                'react',
                'react-dom',
                'better-sqlite3',
                'pg',
              ],
              'report/ turns an inspection into a signed PDF and verifies one: it reads no store and knows no app (laptop and office both call it).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['office/**/*.ts', 'office/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              ['**/renderer/**', '**/host/**', '**/db/**', '**/electron/**', '**/bin/**', 'electron'],
              'The office server shares only shared/ and report/ with the laptop: it has its own storage and no Electron.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              ['**/renderer/**', '**/electron/**', 'electron', 'react', 'react-dom'],
              'The command line runs in plain Node: no UI, no Electron APIs.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(['**/renderer/**', 'react', 'react-dom'], 'Electron main never bundles the renderer: it loads it as a page.'),
            forbid(
              ['**/db/**', 'better-sqlite3'],
              'Electron main reaches storage only through host/ (the same host the CLI and tests run).',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The sandboxed preload has no Node built-ins.' })),
          patterns: [
            forbid(
              ['**/db/**', '**/host/**', '**/renderer/**', '**/report/**', 'better-sqlite3'],
              'The preload only forwards named API calls.',
            ),
          ],
        },
      ],
    },
  },
);
