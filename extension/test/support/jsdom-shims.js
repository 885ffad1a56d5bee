// Outside jsdom (bench.test.ts runs in the node environment) there is nothing to add.
if (typeof window !== 'undefined') {
  // Browser APIs that jsdom lacks and that JupyterLab's packages touch when they load (as
  // @jupyterlab/testing's jest shim provides them): Lumino's drag-and-drop subclasses DragEvent;
  // the web components behind @jupyterlab/ui-components ask matchMedia for the colour scheme.
  if (typeof globalThis.DragEvent === 'undefined') {
    globalThis.DragEvent = class DragEvent extends MouseEvent {};
  }
  if (typeof window.matchMedia !== 'function') {
    window.matchMedia = (query) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false
    });
  }
  // Text encoding is in every browser (and in Node), but not in jest's jsdom globals.
  if (typeof globalThis.TextEncoder === 'undefined') {
    const { TextEncoder, TextDecoder } = require('node:util');
    Object.assign(globalThis, { TextEncoder, TextDecoder });
  }
}
