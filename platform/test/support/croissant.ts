import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { REPO_ROOT } from '@genesis-lab/test-support';

/** The Python environment scripts/setup prepared (scripts/test exports GENESIS_VENV). */
const PYTHON = path.join(process.env.GENESIS_VENV || path.join(REPO_ROOT, '.venv'), 'bin', 'python');
const SCRIPT = path.join(__dirname, 'validate_croissant.py');

/** What validate_croissant.py prints: the validator's findings per file. */
export const CroissantValidation = z.object({
  mlcroissant: z.string(),
  results: z.array(z.object({ file: z.string(), errors: z.array(z.string()), warnings: z.array(z.string()) }))
});
export type CroissantValidation = z.infer<typeof CroissantValidation>;

/** Is MLCommons' Croissant validator (mlcroissant, from requirements-test.txt) importable? */
export function croissantValidatorAvailable(): { ok: boolean; why: string } {
  try {
    const version = execFileSync(PYTHON, ['-c', 'import importlib.metadata as m; print(m.version("mlcroissant"))'], {
      encoding: 'utf8',
      timeout: 30000,
      stdio: ['ignore', 'pipe', 'pipe']
    }).trim();
    return { ok: true, why: `mlcroissant ${version}` };
  } catch (err) {
    return {
      ok: false,
      why: `${PYTHON} has no mlcroissant (${(err as Error).message.split('\n')[0]}); run \`bash scripts/setup --test\``
    };
  }
}

/** Run the reference validator over JSON-LD files, in one Python process. */
export async function validateCroissant(files: string[]): Promise<CroissantValidation> {
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, ...files], {
    encoding: 'utf8',
    timeout: 120000,
    maxBuffer: 16 * 1024 * 1024
  });
  return CroissantValidation.parse(JSON.parse(stdout));
}
