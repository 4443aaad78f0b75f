// The lint gate of `npm test`: typescript-eslint's recommended rules, and no source line over 100
// columns (Prettier wraps code; long strings are split by hand).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'fixtures/', 'src/**/*.generated.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
    rules: {
      'max-len': ['error', { code: 100, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The one reader and the one writer (docs/architecture.md): the file system only under src/fs/,
    // and the process's standard streams in src/cli/index.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/fs/**', 'src/cli/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'fs', 'node:fs/promises', 'fs/promises'].map((name) => ({
            name,
            message: 'read and write through src/fs/ (read.ts, write.ts, disk.ts), never node:fs',
          })),
        },
      ],
    },
  },
  {
    // Tests hold literal inputs and expected outputs: a long string stays whole.
    files: ['test/**'],
    rules: {
      'max-len': [
        'error',
        {
          code: 100,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreComments: true,
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['bin/*.cjs', 'scripts/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
