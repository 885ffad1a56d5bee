/**
 * The file a running platform writes (mode 0600) so kernels and the CLI on the same machine
 * find it without configuration. `GENESIS_URL`/`GENESIS_TOKEN` override it. (Its zod schema,
 * `Discovery`, is in ../discovery.ts.)
 */
export const DISCOVERY_FILE_NAME = 'platform.json';
export const DISCOVERY_ENV = {
  url: 'GENESIS_URL',
  token: 'GENESIS_TOKEN',
  home: 'GENESIS_HOME',
  runtimeDir: 'GENESIS_RUNTIME_DIR'
} as const;
