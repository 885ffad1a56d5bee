export * from './core';
// Names the zod modules define both as a schema and (in ./core) as a type: the schema wins.
export { ErrorCode } from './errors';
export * from './errors';
export * from './ref';
export * from './catalog';
export * from './search';
export * from './cql2';
export * from './data';
export * from './lineage';
export * from './discovery';
export * from './jobs';
export * from './facilities';
export * from './events';
export * from './api';
export * from './security';
export * from './lab';
export * from './openapi';
export * from './query';
