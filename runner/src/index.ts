export * from './protocol/messages';
export { MessageSigner, WireError } from './protocol/wire';
export * from './kernel/kernelspec';
export * from './kernel/connection';
export { Kernel, KernelDiedError, type KernelExit, type KernelStartOptions } from './kernel/kernel';
export * from './notebook/file';
export * from './execute/cell-run';
export * from './execute/outputs';
export * from './execute/execute';
