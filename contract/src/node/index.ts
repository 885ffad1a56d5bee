// The Node-only part of the contract: helpers about the machine that the platform, the client
// and the tests share. A subpath of its own, so the extension's bundle never meets node:fs.
export * from './process';
