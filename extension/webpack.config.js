// Merged into @jupyterlab/builder's webpack configuration (package.json jupyterlab.webpackConfig).
const path = require('node:path');

module.exports = {
  resolve: {
    alias: {
      // The contract and the client core as ES modules (tsconfig.contract.json,
      // tsconfig.client-core.json), so webpack tree-shakes them: the CommonJS builds would pull
      // all of zod (~490 KB minified) into every chunk that imports one pure function.
      '@genesis-lab/contract$': path.resolve(__dirname, '../lib/contract/index.js'),
      '@genesis-lab/contract/core$': path.resolve(__dirname, '../lib/contract/core/index.js'),
      '@genesis-lab/client/core$': path.resolve(__dirname, '../lib/client-core/index.js')
    }
  }
};
