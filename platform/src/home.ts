import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DISCOVERY_ENV, discoveryFilePath, genesisHome, runtimeDir } from '@genesis-lab/contract';
import { processAlive } from '@genesis-lab/contract/node';

/**
 * The layout of GENESIS_HOME. Everything the platform owns lives here: the SQLite
 * database, content-addressed objects, per-job directories and the runtime dir.
 */
export class Home {
  readonly root: string;
  readonly dbPath: string;
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly jobsDir: string;
  readonly runDir: string;
  /** Where the running platform says where it listens (the contract's `discoveryFilePath`). */
  readonly discoveryFile: string;
  readonly facilitiesFile: string;
  /** The audit log's signing keys (0600; never in the database, see access/audit-keyring.ts). */
  readonly auditKeysFile: string;

  constructor(root?: string, env: NodeJS.ProcessEnv = process.env) {
    this.root = path.resolve(root ?? genesisHome(env, os.homedir()));
    this.dbPath = path.join(this.root, 'genesis.db');
    this.objectsDir = path.join(this.root, 'objects');
    this.tmpDir = path.join(this.root, 'tmp');
    this.jobsDir = path.join(this.root, 'jobs');
    // The runtime dir follows GENESIS_RUNTIME_DIR when set (as the kernel helpers' discovery does),
    // otherwise it is <home>/run.
    const ownEnv = { ...env, [DISCOVERY_ENV.home]: this.root };
    this.runDir = path.resolve(runtimeDir(ownEnv, os.homedir()));
    this.discoveryFile = path.resolve(discoveryFilePath(ownEnv, os.homedir()));
    this.facilitiesFile = path.join(this.root, 'facilities.json');
    this.auditKeysFile = path.join(this.root, 'audit-keys.json');
  }

  /** Create the directories; tmp lives beside objects so a rename into place is atomic. */
  ensure(): this {
    for (const d of [this.root, this.objectsDir, this.tmpDir, this.jobsDir]) fs.mkdirSync(d, { recursive: true });
    fs.mkdirSync(this.runDir, { recursive: true, mode: 0o700 });
    return this;
  }

  /** Path of a content-addressed object: objects/ab/cdef…<ext>. */
  objectPath(sha256: string, ext = '.arrow'): string {
    return path.join(this.objectsDir, sha256.slice(0, 2), sha256.slice(2) + ext);
  }

  /** A fresh temporary path on the same filesystem as the objects. */
  tmpPath(prefix: string): string {
    return path.join(this.tmpDir, `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`);
  }

  /**
   * Remove temporary files whose writer is dead (a crash): nothing in tmp/ was ever
   * published. Temp names carry the writer's pid, so a live CLI ingest is left alone.
   */
  sweepTmp(): number {
    let n = 0;
    for (const f of fs.readdirSync(this.tmpDir)) {
      const pid = Number.parseInt(/-(\d+)-\d+-/.exec(f)?.[1] ?? '', 10);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
      fs.rmSync(path.join(this.tmpDir, f), { recursive: true, force: true });
      n++;
    }
    return n;
  }
}
