// What a JupyterLab package's CSS import resolves to in jest: styles mean nothing to a model test.
module.exports = {};
