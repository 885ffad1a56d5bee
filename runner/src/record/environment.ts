import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_HELPER_PACKAGE, lockfileCandidates, sha256Hex, type ExecutionEnvironment } from '@genesis-lab/contract';

/**
 * What identifies a headless run's environment beyond the kernel, as the extension records it
 * too (contract/core/environment.ts): the version of the kernel helpers the kernel loads from
 * its working directory (null: not installed there), and the notebook project's lockfile
 * (the first of lockfileCandidates that exists; null: none).
 */
export function projectEnvironment(
  kernelCwd: string
): Pick<ExecutionEnvironment, 'helperVersion' | 'lockfileSha256' | 'lockfile'> {
  const dir = path.resolve(kernelCwd);
  let helperVersion: string | null = null;
  try {
    // Resolved as the kernel resolves `import ... from "@genesis-lab/kernel"` in that folder.
    const pkg = createRequire(path.join(dir, 'index.js')).resolve(`${KERNEL_HELPER_PACKAGE}/package.json`);
    helperVersion = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version || null;
  } catch {
    helperVersion = null;
  }
  for (const candidate of lockfileCandidates(path.join(dir, 'notebook.ipynb'))) {
    if (!fs.existsSync(candidate)) continue;
    return {
      helperVersion,
      lockfileSha256: sha256Hex(fs.readFileSync(candidate)),
      lockfile: path.relative(dir, candidate).split(path.sep).join('/')
    };
  }
  return { helperVersion, lockfileSha256: null };
}
