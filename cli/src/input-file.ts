import * as fs from 'node:fs';
import { GenesisError } from '@genesis-lab/contract';

/** Read the bytes of an input file a command names; a missing or unreadable one is said in words. */
export function readInputFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new GenesisError(
      'not_found',
      `Cannot read ${what} file ${file || '(empty name)'}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`
    );
  }
}

/** Read a JSON file a flag names; a missing file or bad JSON is the user's error, said in words. */
export function readJsonFile(file: string, what: string): unknown {
  const text = readInputFile(file, what).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GenesisError('bad_request', `${what} file ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The size of an input file a command names; a missing or unreadable one is said in words. */
export function inputFileSize(file: string, what: string): number {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    return st.size;
  } catch (err) {
    throw new GenesisError(
      'not_found',
      `Cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`
    );
  }
}
