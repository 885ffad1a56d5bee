import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorIssue } from '@genesis-lab/contract';
import type { Home } from '../home';

/** `scheme:` at the start: a URL, which the platform never fetches. */
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Where stage-in may read and stage-out may write on the platform host. The platform's own files
 * (database, stored objects, discovery file with its token, temp files, facilities file) are never
 * a source or a target: data leaves the catalog only through `dataset` stage-in, which applies the
 * access rules. With `allowedRoots` configured (`stagingRoots`), every path must be inside one of
 * them. URLs are refused: the platform sends no request to an address the operator did not
 * configure. Paths are compared after resolving symlinks, so a link cannot point around the rule.
 */
export class StagingPolicy {
  private readonly protectedPaths: string[];
  private readonly allowedRoots: string[];

  constructor(protectedPaths: readonly string[], allowedRoots: readonly string[] = []) {
    this.protectedPaths = protectedPaths.map(realOrResolved);
    this.allowedRoots = allowedRoots.map(realOrResolved);
  }

  static forHome(home: Home, allowedRoots: readonly string[] = []): StagingPolicy {
    return new StagingPolicy(
      [home.dbPath, home.objectsDir, home.runDir, home.tmpDir, home.facilitiesFile],
      allowedRoots
    );
  }

  /** What is wrong with a stage-in source (an absolute or relative path on the platform host). */
  sourceIssue(source: string, at: string): ErrorIssue | undefined {
    if (URL_LIKE.test(source))
      return {
        path: at,
        message:
          'URLs are not fetched by the platform; copy the file onto the facility file system, or ingest it into the catalog and stage it as a dataset'
      };
    return this.placeIssue(realOrResolved(source), at);
  }

  /** What is wrong with a stage-out target (resolved against the job directory). */
  targetIssue(target: string, at: string): ErrorIssue | undefined {
    if (URL_LIKE.test(target)) return { path: at, message: 'stage-out targets are paths, not URLs' };
    return this.placeIssue(realOrResolved(target), at);
  }

  private placeIssue(real: string, at: string): ErrorIssue | undefined {
    if (this.protectedPaths.some((p) => inside(real, p) || real === `${p}-wal` || real === `${p}-shm`))
      return { path: at, message: "is one of the platform's own files, which staging may not read or write" };
    if (this.allowedRoots.length && !this.allowedRoots.some((r) => inside(real, r)))
      return {
        path: at,
        message: `must be inside a staging root the operator configured (${this.allowedRoots.join(', ')})`
      };
    return undefined;
  }
}

/** Is `p` the directory `root` or below it (paths as given: resolve links first where it matters)? */
export function inside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  // A name that only starts with ".." ("..data") is still inside.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of what exists; for what does not yet, the real path of its nearest existing parent. */
export function realOrResolved(p: string): string {
  const abs = path.resolve(p);
  let dir = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(dir), ...rest);
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return abs;
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
}
