import type { SlurmRestTransportConfig } from '@genesis-lab/contract';
import { nodesFromRest, partitionsFromRest } from './cluster';
import { restJobSubmission } from './rest-job';
import { SlurmAuthError, readRestToken } from './rest-token';
import { SLURM_CUSTOM_OPTIONS, type BatchSubmission } from './script';
import { only, parseSqueueJson, type NativeStatus } from './status';
import { SlurmError, type SlurmTransport } from './transport';

interface RestError {
  error?: string;
  description?: string;
  source?: string;
  error_number?: number;
  error_code?: number;
  errno?: number;
}

interface RestAnswer {
  status: number;
  text: string;
  doc: { errors?: RestError[]; job_id?: number; [k: string]: unknown } | undefined;
}

/** Slurm's errno values: 2000+ are Slurm's own verdicts (ESLURM_*), below are transport trouble. */
const INVALID_JOB_ID = 2017;
const ALREADY_DONE = 2021;
const errnoOf = (e: RestError) => e.error_number ?? e.error_code ?? e.errno ?? -1;

/**
 * Slurm through slurmrestd (openapi v0.0.38) with JWT auth, over Node's fetch. One
 * `GET /jobs` per status cycle (the API has no id filter; the answer is filtered here),
 * `GET /job/N` for jobs that left it, `POST /job/submit` with the script `script.ts` built,
 * `DELETE /job/N`. Without slurmdbd there is no completion log: once slurmctld forgets a job
 * (MinJobAge), our exit-code file is all that is left.
 */
export class SlurmRestTransport implements SlurmTransport {
  readonly kind = 'rest';
  readonly label: string;
  readonly customAttributes = Object.keys(SLURM_CUSTOM_OPTIONS);
  readonly calls: Record<string, number> = {};
  private readonly base: string;

  constructor(
    private readonly config: SlurmRestTransportConfig,
    private readonly timeoutMs: number,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    this.base = `${config.url.replace(/\/+$/, '')}/slurm/${config.apiVersion}`;
    this.label = `rest ${config.url.replace(/\/+$/, '')} ${config.apiVersion}`;
  }

  statusCalls(): number {
    return (this.calls['rest.jobs'] ?? 0) + (this.calls['rest.job'] ?? 0);
  }

  private async request(call: string, method: string, path: string, body?: unknown): Promise<RestAnswer> {
    this.calls[`rest.${call}`] = (this.calls[`rest.${call}`] ?? 0) + 1;
    const token = readRestToken(this.config, this.env);
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          accept: 'application/json',
          'x-slurm-user-name': this.config.user,
          'x-slurm-user-token': token,
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs)
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw new SlurmError(`slurmrestd at ${this.config.url} did not answer ${method} ${path}: ${why}`, why, true);
    }
    let doc: RestAnswer['doc'];
    try {
      doc = JSON.parse(text) as RestAnswer['doc'];
    } catch {
      doc = undefined;
    }
    return { status: res.status, text, doc };
  }

  /** An answer that is not the success asked for, as the error that says what it means. */
  private failure(what: string, a: RestAnswer): SlurmError {
    const errors = a.doc?.errors ?? [];
    const said = errors.length
      ? errors.map((e) => [e.error, e.description, e.source && `(${e.source})`].filter(Boolean).join(' ')).join('; ')
      : a.text.trim().slice(0, 300);
    const msg = `${what}: slurmrestd answered HTTP ${a.status}: ${said}`;
    if (a.status === 401 || a.status === 403)
      return new SlurmAuthError(`${msg} (user "${this.config.user}"; check the token)`, said);
    const numbers = errors.map(errnoOf);
    // With JWT, a token slurmctld does not accept comes back as a bare "Unspecified error".
    if (a.status >= 500 && numbers.length && numbers.every((n) => n === -1))
      return new SlurmAuthError(
        `${msg}. slurmctld did not accept the request: with JWT this is a token signed with another key, expired, or not issued for user "${this.config.user}" (or slurmctld is not answering)`,
        said
      );
    // Slurm's own verdicts (ESLURM_*, 2000+) and malformed requests (400) are final answers.
    const definitive = a.status === 400 || numbers.some((n) => n >= 2000);
    return new SlurmError(msg, said, !definitive);
  }

  private async json(call: string, path: string): Promise<RestAnswer> {
    const a = await this.request(call, 'GET', path);
    if (a.status !== 200 || !a.doc) throw this.failure(`GET ${path}`, a);
    return a;
  }

  async cluster() {
    const [parts, nodes] = await Promise.all([this.json('partitions', '/partitions'), this.json('nodes', '/nodes')]);
    return {
      partitions: partitionsFromRest(parts.doc as Parameters<typeof partitionsFromRest>[0]),
      nodes: nodesFromRest(nodes.doc as Parameters<typeof nodesFromRest>[0])
    };
  }

  /** `GET /jobs`: every job slurmctld remembers (v0.0.38 has no id filter). */
  async fetchQueue(): Promise<string> {
    return (await this.json('jobs', '/jobs')).text;
  }

  parseQueue(text: string, ids?: string[]): NativeStatus[] {
    const all = parseSqueueJson(text, 'rest');
    return ids ? only(all, ids) : all;
  }

  async completed(ids: string[]): Promise<NativeStatus[]> {
    const found: NativeStatus[] = [];
    for (const id of ids) {
      const path = `/job/${encodeURIComponent(id)}`;
      const a = await this.request('job', 'GET', path);
      if (a.status === 200 && a.doc) found.push(...parseSqueueJson(a.text, 'rest'));
      else if (!(a.doc?.errors ?? []).some((e) => errnoOf(e) === INVALID_JOB_ID)) throw this.failure(`GET ${path}`, a);
    }
    return found;
  }

  async submit(sub: BatchSubmission, _scriptPath: string, env: NodeJS.ProcessEnv): Promise<string> {
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) environment[k] = v;
    // The platform's own token never travels into a job.
    if (this.config.tokenEnv) delete environment[this.config.tokenEnv];
    const a = await this.request('submit', 'POST', '/job/submit', restJobSubmission(sub, environment));
    if (a.status === 200 && typeof a.doc?.job_id === 'number') return String(a.doc.job_id);
    throw this.failure('POST /job/submit', a);
  }

  async release(nativeId: string): Promise<void> {
    // An update of the job's properties: `hold: false` is what `scontrol release` sets.
    const path = `/job/${encodeURIComponent(nativeId)}`;
    const a = await this.request('release', 'POST', path, { hold: false });
    if (a.status === 200 && !(a.doc?.errors ?? []).length) return;
    throw this.failure(`POST ${path}`, a);
  }

  async cancel(nativeId: string): Promise<void> {
    const path = `/job/${encodeURIComponent(nativeId)}`;
    const a = await this.request('cancel', 'DELETE', path);
    if (a.status === 200) return;
    // Already finished or forgotten: the next cycle reports its real end.
    if ((a.doc?.errors ?? []).some((e) => [INVALID_JOB_ID, ALREADY_DONE].includes(errnoOf(e)))) return;
    throw this.failure(`DELETE ${path}`, a);
  }
}
