// ESLint for the whole monorepo: typescript-eslint's recommended rules everywhere, the React hooks rules in the client.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', 'coverage/', 'test-results/', 'backups/', '**/.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // An argument or caught error named with a leading underscore is deliberately unused (an interface's shape, a swallowed probe).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // These two React Compiler rules refuse the "latest callback in a ref" and "reset when the key changes" patterns this client
      // uses on purpose without the compiler; the hooks rules above still hold every component.
      'react-hooks/refs': 'off',
      'react-hooks/set-state-in-effect': 'off',
    },
  },
  {
    files: ['test/browser/**/*.ts'],
    // Page functions passed to page.evaluate run in the browser.
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['test/**/*.ts', 'server/bench/**/*.ts'],
    // Tests and benchmarks read JSON answers whose shape the assertions themselves check.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
