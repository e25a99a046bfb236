/**
 * The local package is an oracle of Azure that other projects can use: it never imports the app (`src/`), the
 * demo or the app's tests. The root ESLint config applies this block; `npm run lint` fails on a crossing.
 */
const crossing = {
  regex: '(^|/)(src|demo)(/|$)|^(\\.\\./)+test(/|$)',
  message: 'local/ is its own package and must not import the app (src/), the demo or the root tests.',
};

export default [
  {
    files: ['local/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [crossing] }],
    },
  },
];
