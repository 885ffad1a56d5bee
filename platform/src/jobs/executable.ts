import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorIssue, JobSpec } from '@genesis-lab/contract';

/**
 * An executable typed with its arguments (`sh -c 'echo hi'`) names no program: no facility
 * runs it through a shell, so it would fail at launch with a bare "No such file". Refused
 * before submission, saying where the arguments go. A path that really has a space (an
 * existing file, or one the job stages in) is fine.
 */
export function checkExecutable(spec: JobSpec): ErrorIssue[] {
  const exe = spec.executable;
  if (!/\s/.test(exe)) return [];
  const staged = spec.stageIn.some((s) => path.normalize(s.target) === path.normalize(exe));
  const inDirectory = spec.directory !== undefined && fs.existsSync(path.resolve(spec.directory, exe));
  if (staged || inDirectory || (path.isAbsolute(exe) && fs.existsSync(exe))) return [];
  const program = exe.trim().split(/\s+/)[0]!;
  const suggestion = /['"\\]/.test(program) ? '' : ` ("${program}")`;
  return [
    {
      path: 'body.executable',
      message:
        `"${exe}" is a command line, not a program: put the program alone in executable${suggestion} ` +
        'and its arguments in arguments, one item each (nothing runs it through a shell)'
    }
  ];
}
