// Merged into @jupyterlab/builder's webpack configuration (package.json jupyterlab.webpackConfig).
const path = require('node:path');

module.exports = {
  resolve: {
    alias: {
      // The contract as ES modules (tsconfig.contract.json), so webpack tree-shakes zod: the
      // CommonJS build would pull all of zod (~490 KB minified) into the I/O chunk.
      '@genesis-lab/contract$': path.resolve(__dirname, '../lib/contract/index.js')
    }
  }
};
