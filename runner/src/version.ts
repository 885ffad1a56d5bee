/** The runner's version, as recorded with every execution it captures (ExecutionEnvironment.client). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const RUNNER_VERSION: string = (require('../package.json') as { version: string }).version;
