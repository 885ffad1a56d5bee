/**
 * `@genesis-lab/client/core`: the platform API as the contract's route table describes it, for
 * any transport, plus the protocol rules every client follows. Browser-safe: no Node module, no
 * socket.io (the extension bundles it; the Node entry `@genesis-lab/client` builds on it).
 */
export * from './route-types';
export * from './request';
export * from './transport';
export * from './errors';
export * from './api';
export * from './job-updates';
export * from './log-cursor';
export * from './subscriptions';
export * from './job-transitions';
