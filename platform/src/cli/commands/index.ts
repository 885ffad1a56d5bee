import type { Command } from 'commander';
import { registerIngest } from './ingest';
import { registerSearch } from './search';
import { registerSeed } from './seed';
import { registerServe } from './serve';

/** Every CLI command, one file each. */
export const commands: ReadonlyArray<(program: Command) => void> = [registerServe, registerIngest, registerSeed, registerSearch];
