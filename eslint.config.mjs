// ESLint flat config for the gateway tree: typescript-eslint's strict, type-checked rule set
// (docs/contributing.md lists the rules that are tuned or off, and why).
// The tools live in test/ (installed by `npm test`/`npm run lint`, never by the gateway's
// own `npm ci`), so they are loaded from there rather than from the root's node_modules.
import { createRequire } from 'node:module';

const require = createRequire(new URL('./test/package.json', import.meta.url));
const { defineConfig } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/*.d.ts.map',
      // The shop side (Medusa, Vendure, WooCommerce, @tender/client) has its own package
      // and install; it is not linted yet.
      'shop/**',
      // The plugin starter is an outside developer's project template with its own package.
      'docs/examples/**',
      'bench/results/**',
      'data/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters already report these (without the
      // `_name` convention); two reporters of one thing only disagree.
      '@typescript-eslint/no-unused-vars': 'off',
      // Template literals with numbers and booleans are deliberate and readable
      // (`${amount} ${currency}`); objects, nullish values and `any` stay forbidden.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false }],
      // Class-based tsyringe services with static helpers and empty marker classes are
      // how the DI container works.
      '@typescript-eslint/no-extraneous-class': 'off',
      // `(req, res) => res.end()`-style arrow shorthands are idiomatic for Express and
      // callbacks; returning void from a void callback confuses no one.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // knex's builder callbacks (`.where((w) => w.whereNull(...))`) return the builder, which
      // is thenable, so every one reads as a misused promise. Floating promises and
      // promises in conditions stay checked.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // Without noUncheckedIndexedAccess (not enabled in tsconfig.base.json: thousands of
      // lines), the types claim indexed lookups and parsed hostile input are always
      // defined, and this rule asks to delete the very checks that guard them.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // The same defensive reads: String(x)/Number(x) on driver values that the types call
      // string/number but a driver may hand back as another type (BIGINT as string on MySQL).
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // Async methods implement Promise-returning contracts (adapters, plugin hooks); with
      // `async` a throw stays a rejection, which callers rely on.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests: supertest's response.body and parsed fixtures are `any` by design, and the
    // test asserts their shape; `!` after an assertion fails the test loudly if wrong.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: true }],
    },
  },
  {
    // Browser scripts served to payers and merchants (hosted page, embedded fields,
    // dashboard assets) and the repository's plain-JavaScript scripts: no TypeScript
    // program covers them, so the type-aware rules are off there.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['core/templates/**/*.js', 'dashboard/templates/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      // CommonJS scripts run before anything is compiled; require() is their import.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
  },
  // Last: turns off every stylistic rule that would fight Prettier.
  prettier,
);
