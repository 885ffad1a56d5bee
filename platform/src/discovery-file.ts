import * as fs from 'node:fs';
import { Discovery, parseOrThrow } from '@genesis-lab/contract';
import { writeFileAtomic } from './util/atomic';

/**
 * The discovery file (`Discovery` in the contract, at `discoveryFilePath`): written last at
 * start, so whoever reads it finds a platform that answers; readable by its owner only, since
 * it holds the token.
 */
export function writeDiscovery(file: string, discovery: Discovery): void {
  const checked = parseOrThrow(Discovery, discovery, 'discovery file');
  writeFileAtomic(file, JSON.stringify(checked, null, 2) + '\n', 0o600);
}

/** The discovery file's content, or undefined when it is absent or not a discovery file. */
export function readDiscovery(file: string): Discovery | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = Discovery.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Remove the file only if it still names this platform (another one may have replaced it). */
export function removeDiscovery(file: string, ours: Pick<Discovery, 'pid' | 'url'>): void {
  const current = readDiscovery(file);
  if (current?.pid === ours.pid && current.url === ours.url) fs.rmSync(file, { force: true });
}
