// ESLint 9 flat config: typescript-eslint's type-aware recommended rules on every TypeScript file of tsconfig.json.
// Rules that the code still breaks today are warnings, each with its count in docs/architecture.md ("Conventions
// checked by tools"); every other rule is an error. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const UNUSED = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' };

/**
 * Rules with violations in today's code (counts in docs/architecture.md). They warn, so CI passes, and they
 * stay listed here until the code is fixed; then the line goes and the rule is an error again.
 */
export const KNOWN_VIOLATIONS = {
  '@typescript-eslint/no-unsafe-member-access': 'warn',
  '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
  '@typescript-eslint/no-unsafe-assignment': 'warn',
  '@typescript-eslint/require-await': 'warn',
  '@typescript-eslint/unbound-method': 'warn',
  '@typescript-eslint/no-unsafe-call': 'warn',
  '@typescript-eslint/no-misused-promises': 'warn',
  '@typescript-eslint/no-unsafe-argument': 'warn',
  'no-control-regex': 'warn',
  '@typescript-eslint/no-base-to-string': 'warn',
  '@typescript-eslint/no-unused-vars': ['warn', UNUSED],
  '@typescript-eslint/no-unsafe-return': 'warn',
  'no-useless-escape': 'warn',
  '@typescript-eslint/only-throw-error': 'warn',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.cache/',
      '.test-cache/',
      'coverage/',
      'data/',
      'scratch/',
      'test/fixtures/conventions/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', UNUSED],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  { files: ['**/*.ts'], rules: KNOWN_VIOLATIONS },
);
