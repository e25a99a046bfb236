/**
 * The app's layers, enforced (`npm run lint` runs `npm run boundaries`). docs/architecture.md explains them and
 * shows the picture generated from these rules (`npm run boundaries:graph`).
 *
 *   src/core      the pure engine: imports nothing else of ours
 *   src/azure     adapters over the Azure SDK: imports core only
 *   src/durable   what several flows share (zone writes, read budget, telemetry, deps, names): core and azure
 *   src/flows/*   one folder per user-visible flow; another flow is reached only through its public files
 *                 (contracts.ts, starter.ts, approvalWait.ts)
 *   src/cli       the engine from a terminal: core and azure only
 *   src/index.ts, src/orchestrations.ts   the composition root: registers every flow
 * and the app never imports local/, test/ or bench/ (the stand-ins of Azure are not part of it).
 *
 * Rules for local/ live in their own block below `forbidden` (added with the local package).
 */
/** Files of a flow that other flows may import. */
const FLOW_PUBLIC = '(contracts|starter|approvalWait)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core is the engine: it imports nothing else of the project.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(?!core/)|local/|test/|bench/)' },
    },
    {
      name: 'azure-imports-core-only',
      comment: 'src/azure adapts the Azure SDK for the engine: it imports src/core and nothing else of ours.',
      severity: 'error',
      from: { path: '^src/azure/' },
      to: { path: '^src/(?!core/|azure/)' },
    },
    {
      name: 'durable-serves-flows',
      comment:
        'src/durable holds what flows share; it never reaches into a flow, the CLI or the composition root.',
      severity: 'error',
      from: { path: '^src/durable/' },
      to: { path: '^src/(flows/|cli/|index[.]ts$|orchestrations[.]ts$)' },
    },
    {
      name: 'flows-keep-their-internals',
      comment:
        'A flow reaches another flow only through its public files (contracts.ts, starter.ts, approvalWait.ts).',
      severity: 'error',
      from: { path: '^src/flows/([^/]+)/' },
      to: { path: '^src/flows/', pathNot: [`^src/flows/$1/`, `^src/flows/[^/]+/${FLOW_PUBLIC}`] },
    },
    {
      name: 'flows-not-cli-or-root',
      comment: 'Flows do not import the CLI or the composition root.',
      severity: 'error',
      from: { path: '^src/flows/' },
      to: { path: '^src/(cli/|index[.]ts$|orchestrations[.]ts$)' },
    },
    {
      name: 'cli-imports-core-and-azure',
      comment: 'The CLI runs the engine against Azure directly: src/core and src/azure only.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(?!core/|azure/|cli/)' },
    },
    {
      name: 'app-never-imports-local',
      comment: 'local/ (the Azure stand-ins), test/ and bench/ are never part of the app.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(local|test|bench)/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make load order matter; none in the app.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|coverage)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
