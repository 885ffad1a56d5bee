import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFinal, type Job } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { startPlatformProcess, tempHome, type PlatformProcess } from './platform-process';

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
