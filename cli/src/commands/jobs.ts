import type { Command } from 'commander';
import {
  GenesisError,
  JobListQuery,
  JobSpec,
  JobState,
  formatDuration,
  isFinal,
  jobElapsedMs,
  jobStatusText,
  parseOrThrow,
  type Job,
  type JobList,
  type JobSpecInput,
  type LogChunk,
  type LogStream
} from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { readJsonFile } from '../input-file';
import { parseCliOptions } from '../options';
import { z } from 'zod';

/** The platform named by GENESIS_URL/GENESIS_TOKEN, else by the discovery file (of `--home` when given). */
function client(opts: { home?: string }): JobsClient {
  return new JobsClient({ home: opts.home });
}

function pairs(list: string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new GenesisError('bad_request', `${what} must look like KEY=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const int = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** A job's elapsed time, as the jobs panel and a notebook show it. */
export function elapsed(job: Job, now = Date.now()): string {
  return formatDuration(jobElapsedMs(job, now));
}

/** One line that says where a job is (the contract's status text): the live view redraws it in place. */
export function statusLine(job: Job): string {
  return jobStatusText(job);
}

/**
 * Wait for a job with a live view: on a terminal one state line redrawn in place (and the
 * elapsed time ticking); otherwise a line per change. With `follow`, the log streams to stdout.
 */
export async function watchJob(c: JobsClient, id: string, follow: LogStream | undefined): Promise<Job> {
  const tty = process.stderr.isTTY === true;
  let last: Job | undefined;
  let lastState = '';
  const draw = (j: Job) => {
    if (tty) process.stderr.write(`\r\u001b[2K${statusLine(j)}`);
    else if (j.state !== lastState) process.stderr.write(statusLine(j) + '\n');
    lastState = j.state;
  };
  const ticker = tty ? setInterval(() => last && !isFinal(last.state) && draw(last), 1000) : undefined;
  const logs = follow
    ? c.followLogs(id, follow, 0, (chunk) => {
        if (tty) process.stderr.write('\r\u001b[2K');
        process.stdout.write(chunk.data);
        if (tty && last) draw(last);
      })
    : Promise.resolve(0);
  try {
    const job = await c.wait(id, {
      onUpdate: (j) => {
        last = j;
        draw(j);
      }
    });
    await logs;
    draw(job);
    if (tty) process.stderr.write('\n');
    return job;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

export function finalMessage(job: Job): string | undefined {
  if (job.state === 'COMPLETED') return undefined;
  return `job ${job.id} ${job.state}${job.reason ? ` (${job.reason})` : ''}${job.exitCode !== null ? `, exit code ${job.exitCode}` : ''}${job.message ? `: ${job.message}` : ''}`;
}

interface ListOptions {
  facility?: string;
  state?: string;
  tag?: string;
  limit: string;
  pageSize: string;
  all?: boolean;
  cursor?: string;
  json?: boolean;
  home?: string;
}

/** `--limit` may go beyond one page: the pages are followed. */
const Limit = z.coerce.number().int().min(1);
/** A page is what `GET /api/jobs` serves at most. */
const PageSize = JobListQuery.shape.limit.unwrap();

/**
 * Read `--limit` jobs (every one with `--all`), `--page-size` at a time from `--cursor` (or the
 * newest), following `nextCursor`; the result's `nextCursor` is where a next call goes on.
 */
export async function listPages(c: JobsClient, o: ListOptions): Promise<JobList> {
  const limit = o.all ? Infinity : parseOrThrow(Limit, o.limit, '--limit');
  const pageSize = parseOrThrow(PageSize, o.pageSize, '--page-size');
  const filter = parseCliOptions(
    JobListQuery.omit({ limit: true }),
    { facility: o.facility, state: o.state, tag: o.tag, cursor: o.cursor },
    {}
  );
  const jobs: Job[] = [];
  let cursor = filter.cursor;
  do {
    const page = await c.list({ ...filter, cursor, limit: Math.min(pageSize, limit - jobs.length) });
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor && jobs.length < limit);
  return { jobs, ...(cursor ? { nextCursor: cursor } : {}) };
}

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('Submit, watch and cancel jobs on facilities (local, Slurm, ...)');

  jobs
    .command('submit')
    .description('Submit a job: genesis jobs submit [options] -- EXECUTABLE [ARGS...]')
    .argument('[command...]', 'executable and its arguments (after --)')
    .option('--spec <file>', 'a JSON job spec; the options below override its fields')
    .option('-n, --name <name>', 'job name (default: the executable)')
    .option('-f, --facility <name>', 'facility (default: local)')
    .option('-t, --duration <time>', 'wall-time limit, e.g. 90s, 15m, 01:30:00')
    .option('-q, --queue <queue>', 'queue / partition')
    .option('--account <account>', 'account to charge')
    .option('--nodes <n>', 'node count')
    .option('--processes <n>', 'process count')
    .option('--cpus <n>', 'CPU cores per process')
    .option('--gpus <n>', 'GPUs per process')
    .option('--memory <size>', 'memory per node, e.g. 4G')
    .option('-d, --directory <dir>', 'working directory (default: a fresh job directory)')
    .option('-e, --env <KEY=VALUE...>', 'environment variables')
    .option('--tag <KEY=VALUE...>', 'tags')
    .option('--attr <KEY=VALUE...>', 'scheduler attributes, e.g. slurm.qos=low')
    .option('-k, --idempotency-key <key>', 'a retried submit with the same key returns the same job')
    .option('-w, --wait', 'wait for the job with a live status line; exit 1 unless it COMPLETED')
    .option('--follow', 'with --wait: stream its stdout')
    .option('--json', 'print the job as JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (command: string[], o: Record<string, string | string[] | boolean | undefined>) => {
      const base = o.spec ? (readJsonFile(String(o.spec), 'job spec') as JobSpecInput) : undefined;
      const [executable, ...args] = command;
      if (!executable && !base)
        throw new GenesisError('bad_request', 'Nothing to run: give an executable after --, or --spec FILE', {
          hint: 'For example: genesis jobs submit --wait -- /bin/echo hello'
        });
      const resources = {
        ...(base?.resources ?? {}),
        ...(o.nodes ? { nodeCount: int(String(o.nodes)) } : {}),
        ...(o.processes ? { processCount: int(String(o.processes)) } : {}),
        ...(o.cpus ? { cpuCoresPerProcess: int(String(o.cpus)) } : {}),
        ...(o.gpus ? { gpuCoresPerProcess: int(String(o.gpus)) } : {}),
        ...(o.memory ? { memory: String(o.memory) } : {})
      };
      const attributes = {
        ...(base?.attributes ?? {}),
        ...(o.duration ? { duration: String(o.duration) } : {}),
        ...(o.queue ? { queue: String(o.queue) } : {}),
        ...(o.account ? { account: String(o.account) } : {}),
        custom: { ...(base?.attributes?.custom ?? {}), ...pairs(o.attr as string[] | undefined, '--attr') }
      };
      const input = {
        ...(base ?? {}),
        ...(executable ? { executable, arguments: args } : {}),
        name: (o.name as string | undefined) ?? base?.name ?? (executable ?? '').split('/').pop() ?? 'job',
        ...(o.facility ? { facility: String(o.facility) } : {}),
        ...(o.directory ? { directory: String(o.directory) } : {}),
        environment: { ...(base?.environment ?? {}), ...pairs(o.env as string[] | undefined, '--env') },
        tags: { ...(base?.tags ?? {}), ...pairs(o.tag as string[] | undefined, '--tag') },
        resources,
        attributes
      };
      // Validate here too, so a typo is named before anything is sent.
      const spec = parseOrThrow(JobSpec, input, 'spec');
      const c = client(o as { home?: string });
      try {
        const { job, created } = await c.submit(spec, { idempotencyKey: o.idempotencyKey as string | undefined });
        if (!o.wait) {
          if (o.json) process.stdout.write(JSON.stringify(job, null, 2) + '\n');
          else
            process.stdout.write(
              `${created ? 'submitted' : 'already submitted (same idempotency key)'}: ${statusLine(job)}\n`
            );
          return;
        }
        const final = await watchJob(c, job.id, o.follow ? 'stdout' : undefined);
        if (o.json) process.stdout.write(JSON.stringify(final, null, 2) + '\n');
        const msg = finalMessage(final);
        if (msg) {
          process.stderr.write(`genesis: ${msg}\n`);
          process.exitCode = 1;
        }
      } finally {
        c.close();
      }
    });

  jobs
    .command('list')
    .description('List jobs, newest first; --all (or a --limit beyond one page) follows the pages to the oldest')
    .option('-f, --facility <name>', 'only this facility')
    .option('-s, --state <states>', `only these states (comma-separated: ${JobState.options.join(',')})`)
    .option('--tag <KEY=VALUE>', 'only jobs with this tag')
    .option('-l, --limit <n>', 'at most this many (read a page at a time)', '50')
    .option('-a, --all', 'every job that matches (ignores --limit)')
    .option('--page-size <n>', 'jobs per request (1-1000)', '1000')
    .option('--cursor <cursor>', 'start after this point: a nextCursor printed by an earlier list')
    .option('--json', 'print JSON: {jobs, nextCursor?} (nextCursor continues with --cursor)')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (o: ListOptions) => {
      const c = client(o);
      const list = await listPages(c, o);
      if (o.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      if (!list.jobs.length) {
        process.stdout.write('No jobs.\n');
        return;
      }
      const rows = list.jobs.map((j) => [
        j.id,
        j.spec.name.slice(0, 24),
        j.facility,
        j.state,
        j.exitCode === null ? '-' : String(j.exitCode),
        elapsed(j),
        j.reason ?? ''
      ]);
      const head = ['ID', 'NAME', 'FACILITY', 'STATE', 'EXIT', 'ELAPSED', 'REASON'];
      const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows])
        process.stdout.write(
          r
            .map((v, i) => v.padEnd(w[i]!))
            .join('  ')
            .trimEnd() + '\n'
        );
      // On stderr, so the table on stdout stays just the table.
      if (list.nextCursor)
        process.stderr.write(`(older jobs: --all, a larger --limit, or --cursor ${list.nextCursor})\n`);
    });

  jobs
    .command('show')
    .description('A job: spec, state history with the scheduler’s own words, outputs')
    .argument('<id>')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (id: string, o: { json?: boolean; home?: string }) => {
      const j = await client(o).get(id);
      if (o.json) {
        process.stdout.write(JSON.stringify(j, null, 2) + '\n');
        return;
      }
      const out = [
        statusLine(j),
        `  command:   ${[j.spec.executable, ...j.spec.arguments].map((a) => JSON.stringify(a)).join(' ')}`,
        `  directory: ${j.spec.directory ?? j.workDir ?? '-'}   logs: ${j.workDir ?? '-'}`,
        `  created ${j.createdAt}${j.startedAt ? `, started ${j.startedAt}` : ''}${j.endedAt ? `, ended ${j.endedAt}` : ''}`,
        '  history:'
      ];
      for (const e of j.history)
        out.push(
          `    ${e.seq}  ${e.at}  ${e.state.padEnd(9)}${e.reason ? ` ${e.reason}` : ''}${e.exitCode !== undefined && e.exitCode !== null ? ` exit ${e.exitCode}` : ''}${e.message ? `  ${e.message}` : ''}${e.nativeState ? `  [${e.nativeState}${e.nativeReason ? `: ${e.nativeReason}` : ''}]` : ''}`
        );
      for (const f of j.outputs) out.push(`  output: ${f.source} -> ${f.target} (${f.bytes} bytes)`);
      process.stdout.write(out.join('\n') + '\n');
    });

  jobs
    .command('logs')
    .description('Print a job’s log; --follow streams it live until the job ends')
    .argument('<id>')
    .option('--stderr', 'the error stream instead of stdout')
    .option('-F, --follow', 'keep streaming until the job is final')
    .option('--tail <bytes>', 'only the last N bytes')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (id: string, o: { stderr?: boolean; follow?: boolean; tail?: string; home?: string }) => {
      const c = client(o);
      const stream: LogStream = o.stderr ? 'stderr' : 'stdout';
      try {
        const write = (x: LogChunk) => process.stdout.write(x.data);
        const last = await c.readLog(id, { stream, ...(o.tail ? { tail: Number(o.tail) } : {}) }, write);
        if (o.follow && !last.eof) await c.followLogs(id, stream, last.nextOffset, write);
      } finally {
        c.close();
      }
    });

  jobs
    .command('cancel')
    .description('Cancel a job (its whole process group locally, scancel on Slurm)')
    .argument('<id>')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (id: string, o: { home?: string }) => {
      const j = await client(o).cancel(id);
      process.stdout.write(`${isFinal(j.state) ? '' : 'cancel requested: '}${statusLine(j)}\n`);
    });
}
