import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeFileAtomic } from '../../util/atomic';

/** The absolute path of a tool (so jobs with an empty environment still find it). */
export function toolPath(cmd: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || cmd;
  } catch {
    return cmd;
  }
}

/**
 * The wrapper every local job runs under (POSIX sh, so 10,000 jobs do not start 10,000 Nodes).
 * Arguments: JOBDIR LIMIT_SECONDS CWD STDIN -- EXECUTABLE ARGS...
 * - claims the job directory once (noclobber), so a job can never run twice;
 * - starts the program in its own session, so cancel and timeout kill its whole process group;
 * - enforces the wall-time itself, so limits hold while the platform is down;
 * - writes the exit code to JOBDIR/exit atomically (temp + rename), the source of truth, then
 *   says `done JOBDIR` on its stdout (the launcher's pipe to the platform; gone after a crash).
 * Tool paths are absolute, so a job with an empty environment still works.
 */
function wrapperText(): string {
  const setsid = toolPath('setsid');
  const sleep = toolPath('sleep');
  const mv = toolPath('mv');
  return `#!/bin/sh
# Genesis Lab local job wrapper (generated; see platform/src/facilities/local/wrapper.ts)
d=$1; lim=$2; cwd=$3; in=$4; shift 5
set -C
if ! { echo $$ > "$d/.wrapper.pid"; } 2>/dev/null; then exit 0; fi
set +C
finish() { printf '%s\\n' "$1" > "$d/.exit.tmp" && ${mv} -f "$d/.exit.tmp" "$d/exit"; printf 'done %s\\n' "$d" 2>/dev/null; exit "$1"; }
if [ -e "$d/.cancel" ]; then finish 143; fi
if ! cd "$cwd" 2>/dev/null; then echo "genesis: cannot enter directory $cwd" >> "$d/stderr"; finish 126; fi
${setsid} "$@" < "$in" > "$d/stdout" 2> "$d/stderr" &
c=$!
echo $c > "$d/.pgid"
w=
if [ "$lim" -gt 0 ]; then
  ${setsid} /bin/sh -c '${sleep} "$1"; : > "$2/.timeout"; kill -TERM "-$3" 2>/dev/null; ${sleep} 5; kill -KILL "-$3" 2>/dev/null' sh "$lim" "$d" "$c" &
  w=$!
fi
wait $c
rc=$?
[ -n "$w" ] && kill -TERM "-$w" 2>/dev/null
kill -KILL "-$c" 2>/dev/null
finish $rc
`;
}

/** Write the wrapper under `dir` (atomically, only when its text changed) and return its path. */
export function installWrapper(dir: string): string {
  const file = path.join(dir, 'genesis-job-wrapper.sh');
  const text = wrapperText();
  let current = '';
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    /* first install */
  }
  if (current !== text) writeFileAtomic(file, text, 0o755);
  return file;
}
