/**
 * `@genesis-lab/test-support`: what jest tests, the UI tests and the benchmarks share. Imported
 * only by tests, ui-tests and bench/ (the lint step's import rule enforces it).
 */
export * from './platform-process';
export * from './services';
export * from './jobs';
export * from './wait';
export * from './processes';
export * from './datasets';
export * from './reference';
export * from './jupyter';
export * from './hostile';
export * from './errors';
export * from './bench-targets';
export * from './mlserver';
export * from './plane-model';
export * from './examples';
