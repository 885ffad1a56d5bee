/**
 * What identifies the environment a cell ran in, beyond the kernel: the kernel-helper package
 * the kernel loads and the lockfile of the notebook's project. The headless runner (files on
 * disk) and the extension (the Jupyter contents API) look for the same files in the same order.
 */

/** The kernel helpers' npm package, whose version capture records (ExecutionEnvironment.helperVersion). */
export const KERNEL_HELPER_PACKAGE = '@genesis-lab/kernel';

/** The lockfiles that pin a notebook project's packages, in the order they are looked for in each folder. */
export const LOCKFILE_NAMES = ['package-lock.json', 'deno.lock'] as const;
export type LockfileName = (typeof LOCKFILE_NAMES)[number];

/**
 * Where a notebook's lockfile may be, nearest first: each folder from the notebook's up to the
 * root, each lockfile name in LOCKFILE_NAMES order. Paths are '/'-separated and relative to the
 * same root as `notebookPath` (a Jupyter contents path, or an absolute file path).
 * The first candidate that exists is the lockfile; none: `lockfileSha256: null`.
 */
export function lockfileCandidates(notebookPath: string): string[] {
  const absolute = notebookPath.startsWith('/');
  const parts = notebookPath.split('/').filter((p) => p && p !== '.');
  parts.pop(); // the notebook itself
  const out: string[] = [];
  for (let n = parts.length; n >= 0; n--) {
    const dir = parts.slice(0, n).join('/');
    for (const name of LOCKFILE_NAMES) out.push(`${absolute ? '/' : ''}${dir ? `${dir}/` : ''}${name}`);
  }
  return out;
}
