import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisError } from '@genesis-lab/contract';
import { readDiscovery } from './discovery-file';
import { processAlive } from '@genesis-lab/contract/node';
import type { Home } from './home';

/**
 * One platform per GENESIS_HOME: two would both run queued jobs and both poll facilities.
 * The lock is a file created with O_EXCL holding the owner's pid; a lock whose pid is dead
 * (a crash, kill -9) is taken over.
 */
export class HomeLock {
  private constructor(readonly file: string) {}

  static acquire(home: Pick<Home, 'runDir' | 'discoveryFile'>): HomeLock {
    const file = path.join(home.runDir, 'platform.lock');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx', 0o600);
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        return new HomeLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number.parseInt(readOr(file, ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        const running = readDiscovery(home.discoveryFile);
        const url = running?.pid === owner ? running.url : undefined;
        throw new GenesisError(
          'conflict',
          `A platform for this home is already running (pid ${owner}${url ? `, ${url}` : ''})`,
          {
            hint: 'Use that platform, stop it first, or start this one with another --home'
          }
        );
      }
      // Stale: its owner died without cleaning up.
      fs.rmSync(file, { force: true });
    }
    throw new GenesisError('conflict', `Could not take the home lock ${file}`);
  }

  release(): void {
    if (readOr(this.file, '') === String(process.pid)) fs.rmSync(this.file, { force: true });
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}
