// The package graph, enforced by `npm run lint` (scripts/lint, check "imports"): which workspace
// may import which, no circular imports inside a package, and the browser-safe cores free of
// Node and socket.io. docs/architecture.md ("Package graph") says why each direction is so.
// A jest test (test-support/test/import-rules.test.ts) breaks a rule on purpose and sees it fail.
/** @type {import('dependency-cruiser').IConfiguration} */
const ours = '^(contract|client|platform|kernel-helpers|runner|cli|test-support|extension)/';
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid(
      'contract-imports-only-zod',
      'The contract is the bottom of the graph: zod and its own modules, nothing else of ours.',
      { path: '^contract/src' },
      { path: ours, pathNot: '^contract/' }
    ),
    forbid(
      'contract-node-only-in-its-subpath',
      'Node built-ins only in contract/node: the rest of the contract is bundled into the extension.',
      { path: '^contract/src/(?!node/)' },
      { dependencyTypes: ['core'] }
    ),
    forbid(
      'contract-core-without-zod',
      'contract/core is the zod-free entry the extension loads at start-up.',
      { path: '^contract/src/core' },
      { path: 'node_modules/zod|^contract/src/(?!core/)', dependencyTypesNot: ['type-only'] }
    ),
    forbid(
      'client-only-on-contract',
      'The client is built on the contract only.',
      { path: '^client/src' },
      { path: ours, pathNot: '^(contract|client)/' }
    ),
    forbid(
      'client-core-is-browser-safe',
      'client/core is bundled into the extension and loaded by tslab: no Node modules, no socket.io.',
      { path: '^client/src/core' },
      {
        path: '^(node:|socket\\.io-client)|node_modules/socket\\.io-client|^client/src/node',
        dependencyTypesNot: ['type-only']
      }
    ),
    forbid(
      'core-uses-no-node-builtins',
      'client/core and contract/core run in browsers.',
      { path: '^(client|contract)/src/core' },
      { dependencyTypes: ['core'] }
    ),
    forbid(
      'kernel-helpers-on-client-and-contract',
      'The notebook helpers reach the platform through the client, never its internals.',
      { path: '^kernel-helpers/src' },
      { path: ours, pathNot: '^(contract|client|kernel-helpers)/' }
    ),
    forbid(
      'platform-on-contract-only',
      'The service depends on the contract only (the CLI depends on it, not the other way).',
      { path: '^platform/src' },
      { path: ours, pathNot: '^(contract|platform)/' }
    ),
    forbid(
      'runner-on-client-and-contract',
      'The headless notebook runner reaches the platform through the client, as the kernel helpers do.',
      { path: '^runner/src' },
      { path: ours, pathNot: '^(contract|client|runner)/' }
    ),
    forbid(
      'cli-on-platform-client-contract',
      'The genesis CLI runs the platform in-process (serve, ingest), calls it remotely through the client, and runs notebooks with the runner.',
      { path: '^cli/src' },
      { path: ours, pathNot: '^(contract|client|platform|runner|cli)/' }
    ),
    forbid(
      'extension-on-client-core-and-contract',
      'The extension uses the browser-safe client core and the contract; never the Node client (its tests may use test support).',
      { path: '^extension/(?!test/)' },
      { path: ours, pathNot: '^(contract|client/src/core|extension)/' }
    ),
    forbid(
      'test-support-only-in-tests',
      'Shared test support is for tests, UI tests and benchmarks, never shipped code.',
      { path: '^(contract|client|platform|kernel-helpers|cli)/src|^extension/(?!test/)' },
      { path: '^test-support/' }
    ),
    forbid(
      'platform-catalog-below-ingest',
      'Ingest publishes into the catalog; the catalog never reaches into ingest (shared readers live in util/).',
      { path: '^platform/src/catalog/' },
      { path: '^platform/src/ingest/' }
    ),
    forbid(
      'platform-facilities-below-jobs',
      'The job service drives connectors; a connector never reaches into jobs/ (its messages are facilities/connector.ts).',
      { path: '^platform/src/facilities/' },
      { path: '^platform/src/jobs/' }
    ),
    forbid(
      'no-circular',
      'No import cycles: a cycle means two concepts that cannot be understood (or changed) apart.',
      { path: '^(contract|client|platform|kernel-helpers|cli|test-support|extension)/' },
      { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'type-import'] } }
    )
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|lib|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.imports.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] }
  }
};
