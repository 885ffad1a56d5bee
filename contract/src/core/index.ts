/**
 * `@genesis-lab/contract/core`: the contract's constants and pure functions without zod, for
 * code that must not load zod (the JupyterLab extension at start-up). Everything here is also
 * exported by `@genesis-lab/contract`.
 */
export * from './errors';
export * from './ref';
export * from './discovery';
export * from './paths';
export * from './jobs';
export * from './lineage';
export * from './media';
export * from './search';
export * from './socket';
export * from './lab';
export * from './suggest';
export * from './units';
export * from './job-text';
export * from './cell-text';
export * from './output-digest';
export * from './staleness';
export * from './publish-text';
export * from './models';
export * from './oip';
export * from './environment';
