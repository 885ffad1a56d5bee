import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFinal, type Job } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/kernel';
import { startPlatformProcess, tempHome, type PlatformProcess } from './process';

/** Start a real platform with the given facilities file (written into a fresh home). */
export async function platformWithFacilities(
  facilities: unknown[],
  home = tempHome('genesis-jobs-')
): Promise<{ p: PlatformProcess; client: JobsClient; home: string }> {
  fs.writeFileSync(path.join(home, 'facilities.json'), JSON.stringify({ facilities }, null, 2));
  const p = await startPlatformProcess({ home });
  return { p, client: new JobsClient(p), home };
}

/** Poll the REST API until the job is final (for tests that do not want the socket). */
export async function untilFinal(client: JobsClient, id: string, timeoutMs = 60000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await client.get(id);
    if (isFinal(j.state)) return j;
    if (Date.now() > deadline) throw new Error(`job ${id} not final after ${timeoutMs} ms: ${j.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
