/**
 * `@genesis-lab/client`: the platform's API from Node. The browser-safe core (route-typed calls,
 * error mapping, protocol rules) is `@genesis-lab/client/core`, re-exported here; this entry adds
 * the Node transport (discovery, token, zero-copy Arrow reads) and the socket.io channel.
 */
export * from '@genesis-lab/client/core';
export { GenesisClient, COMPRESSIONS, type Compression, type StreamOptions, type StreamResponse } from './node/client';
export { JobsClient, type JobListFilter, type JobWaitOptions, type LogRead } from './node/jobs-client';
export { LiveSocket, type JobsSocket } from './node/live';
export { resolveConnection, unreachableHint, type Connection, type ConnectOptions } from './node/connection';
export { presentable, rethrowPresentable } from './node/presentable';
export { sourceChunks, type ByteSource, type SourceHandlers } from './node/byte-source';
