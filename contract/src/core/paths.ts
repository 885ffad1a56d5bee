import { DISCOVERY_ENV, DISCOVERY_FILE_NAME } from './discovery';

/**
 * Where things live on disk. Pure functions of the environment so the platform, the CLI
 * and the kernel helpers agree without sharing Node imports.
 */
export type Env = Record<string, string | undefined>;

export function genesisHome(env: Env, homeDir: string): string {
  return env[DISCOVERY_ENV.home] || `${homeDir.replace(/\/+$/, '')}/.genesis`;
}

export function runtimeDir(env: Env, homeDir: string): string {
  return env[DISCOVERY_ENV.runtimeDir] || `${genesisHome(env, homeDir)}/run`;
}

export function discoveryFilePath(env: Env, homeDir: string): string {
  return `${runtimeDir(env, homeDir)}/${DISCOVERY_FILE_NAME}`;
}
