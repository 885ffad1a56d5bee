// JupyterLab's icons import their SVG files as strings (webpack's raw loader): the same here.
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  }
};
