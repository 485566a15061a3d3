// dependency-cruiser: the layering rules of docs/architecture.md ("Conventions checked by tools").
// Run with `npm run deps:check`. Every violation is an error.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles: a cycle ties modules together so that none can be understood or changed alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'modules-through-index',
      severity: 'error',
      comment:
        "A module (src/modules/<name>/) uses another module only through that module's index.ts, its public face; " +
        'never its repository, service or views directly.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'platform-imports-no-module',
      severity: 'error',
      comment: 'src/platform is below every module: it must not import any of them (modules import the platform).',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count too: a module's types are part of what it exposes.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
