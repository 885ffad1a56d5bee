/** The extension's version, as recorded with every execution it captures (a test holds it to package.json). */
export const EXTENSION_VERSION = '0.1.0';
