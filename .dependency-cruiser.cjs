/**
 * The dependency rules, in one place: which plugin may import which, and what core, the site and
 * the adapters may reach. `npm run lint:deps` checks the tree against them; docs/architecture.md
 * ("Plugin dependencies") draws the same arrows, and this file is the source of truth.
 */
const { readdirSync } = require('node:fs')

/**
 * The allowed arrows between plugins: plugin → the plugins it may import, always through their
 * index.ts. A plugin not named here (every model plugin among them) imports no other plugin.
 */
const ARROWS = {
  'audit-witness': ['storage-sql'],
  'cds-hooks': ['auth-jwt', 'etl', 'fhir'],
  compliance: ['deid', 'phi'],
  deid: ['fhir', 'phi'],
  etl: ['fhir'],
  'fhir-predict': ['etl', 'fhir'],
  grpc: ['oip'],
  // The OIP gRPC client's generated service descriptor (GRPCInferenceService) lives in grpc.
  'model-remote': ['grpc'],
  monitoring: ['deid', 'etl'],
  population: ['etl', 'fhir'],
  'storage-d1': ['sql-stores'],
  'storage-sql': ['sql-stores'],
}

const PLUGINS = readdirSync(`${__dirname}/plugins`, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
const any = (names) => `(${names.join('|')})`

// Plugin X may reach plugin Y's index.ts only along an arrow. One rule per plugin, so a new plugin
// starts with no arrows at all and the message names the plugin that broke the rule.
const arrowRules = PLUGINS.map((name) => ({
  name: `arrows-from-${name}`,
  comment: `${name} may import only ${(ARROWS[name] ?? []).join(', ') || 'no other plugin'} (ARROWS in .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: `^plugins/${name}/` },
  to: { path: '^plugins/', pathNot: `^plugins/${any([name, ...(ARROWS[name] ?? [])])}/` },
}))

module.exports = {
  forbidden: [
    ...arrowRules,
    {
      name: 'plugin-public-api',
      comment: 'A plugin is imported only through its index.ts; another plugin never reaches its private files.',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^plugins/', pathNot: ['^plugins/$1/', '^plugins/[^/]+/index\\.ts$'] },
    },
    {
      name: 'entry-points-only',
      comment: 'Adapters, the CLI, examples, benchmarks and the test kit use a plugin\'s index.ts, or its node.ts (the node:* entry).',
      severity: 'error',
      from: { path: '^(adapters|bin|examples|bench|testkit|devtools)/' },
      to: { path: '^plugins/', pathNot: '^plugins/[^/]+/(index|node)\\.ts$' },
    },
    {
      name: 'no-model-plugin-on-monitoring',
      comment: 'Model plugins take their metrics from core/stats; monitoring stands beside them, not under them.',
      severity: 'error',
      from: { path: '^plugins/model-[^/]+/' },
      to: { path: '^plugins/monitoring/' },
    },
    {
      name: 'core-is-the-bottom',
      comment: 'core imports no plugin, adapter, CLI, site, dev tool or example.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(plugins|adapters|bin|site|devtools|examples|testkit|testing|bench|scripts|test)/' },
    },
    {
      name: 'plugins-stay-below-their-hosts',
      comment: 'Plugins do not import adapters, the CLI, the site, dev tools, examples or test code.',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^(adapters|bin|site|devtools|examples|testkit|bench|scripts|test)/' },
    },
    {
      name: 'testing-stands-on-core',
      comment: 'nexora/testing (the conformance suites plugin authors run) imports core only, so it works from outside this repository.',
      severity: 'error',
      from: { path: '^testing/' },
      to: { path: '^(plugins|adapters|bin|site|devtools|examples|testkit|bench|scripts|test)/' },
    },
    {
      name: 'examples-use-the-package',
      comment: 'Examples import nexora by its package name (as a user would), never the source tree.',
      severity: 'error',
      from: { path: '^examples/custom-plugin/' },
      // A bare `nexora` specifier resolves to the same files as a relative path, but as a self-reference ('undetermined'), not 'local'.
      to: { path: '^(core|plugins|adapters|testing|bin)/', dependencyTypes: ['local'] },
    },
    {
      name: 'adapters-only-translate',
      comment: 'Adapters stand on core and plugins only.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(bin|site|devtools|examples|testkit|bench|scripts|test)/' },
    },
    {
      name: 'site-through-browser-adapter',
      comment: 'The site reaches engines only through adapters/browser.ts, and never a plugin, the CLI or a dev tool.',
      severity: 'error',
      from: { path: '^site/' },
      to: { path: '^(plugins|bin|devtools|examples|testkit|bench|scripts|adapters/(?!browser\\.ts$))' },
    },
    {
      name: 'nothing-imports-examples',
      comment: 'Examples are for reading (tests may run or serve them, never import them from the test kit); the dev FHIR server and the static server ' +
        'live in devtools/.',
      severity: 'error',
      from: { path: '^(core|plugins|adapters|bin|site|devtools|bench|testkit)/' },
      to: { path: '^examples/' },
    },
    {
      name: 'devtools-for-the-cli-only',
      comment: 'Only the CLI (and benchmarks and tests) may start a dev tool.',
      severity: 'error',
      from: { path: '^(core|plugins|adapters|site|testing)/' },
      to: { path: '^devtools/' },
    },
    {
      name: 'resolvable',
      comment: 'An import the checker cannot resolve would escape every rule above (the test kit alone imports bundler-made files).',
      severity: 'error',
      from: { path: '^(core|plugins|adapters|bin|site|devtools|examples|bench|testing)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API, so the TypeScript files are parsed with swc.
    parser: 'swc',
    // `import type` and `export type … from` cross boundaries too.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6'],
    doNotFollow: { path: 'node_modules' },
    // Resolve packages as Node does, through their `exports` maps (hono/cors, tsx/esm/api, …).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['nexora-source', 'import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
}

// dependency-cruiser 17 parses every file with swc's TypeScript syntax and JSX off, so the site's
// .tsx files would abort the run (sverweij/dependency-cruiser#1081, fixed in 18.3, which needs
// Node 22). Until the project moves to Node 22, turn swc's JSX on for .tsx files only.
const swc = require('@swc/core')
const parseFileSync = swc.parseFileSync
swc.parseFileSync = (file, options) => parseFileSync(file, file.endsWith('.tsx') ? { ...options, tsx: true } : options)
