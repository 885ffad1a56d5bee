import {
  CRATE_MEDIA_TYPE,
  GenesisError,
  MAX_EXECUTIONS_PER_BATCH,
  reproductionTokenRequest,
  type TokenCreated,
  type CellExecutionInput,
  type CrateImportResult,
  type Job,
  type JobSpecInput,
  type ReproducibilityReportInput,
  type RunDetail
} from '@genesis-lab/contract';
import { GenesisClient, JobsClient, type ConnectOptions } from '@genesis-lab/client';

/**
 * What `genesis run` and `genesis reproduce` need from the platform, in one place, so the
 * commands do not depend on which client library carries the calls.
 */
export class PlatformApi {
  private readonly client: GenesisClient;
  private jobsClient: JobsClient | undefined;

  constructor(options: ConnectOptions = {}) {
    this.client = new GenesisClient(options);
  }

  /** Resolves the platform now (environment or discovery file), so a missing one fails before any work. */
  connection(): { url: string; token: string } {
    const c = this.client.connection();
    return { url: c.url, token: c.token };
  }

  /** Record executions (idempotent by executionId), in batches the route accepts. */
  async recordExecutions(executions: readonly CellExecutionInput[], project?: string): Promise<void> {
    for (let i = 0; i < executions.length; i += MAX_EXECUTIONS_PER_BATCH) {
      // Idempotent by executionId: a resend after a lost answer records nothing twice.
      await this.client.call('recordExecutions', {
        body: { executions: executions.slice(i, i + MAX_EXECUTIONS_PER_BATCH), ...(project ? { project } : {}) }
      });
    }
  }

  async recordReproduction(report: ReproducibilityReportInput): Promise<void> {
    await this.client.call('recordReproduction', {
      params: { reproductionId: report.reproductionId },
      body: report
    });
  }

  /** A recorded run, or undefined when this platform does not have it. */
  async run(runId: string): Promise<RunDetail | undefined> {
    try {
      return await this.client.call('provenanceRun', { params: { runId } });
    } catch (e) {
      if (e instanceof GenesisError && e.code === 'not_found') return undefined;
      throw e;
    }
  }

  /** Import an exported crate (its dataset versions, digests checked, then its run). */
  async importCrate(zip: Uint8Array): Promise<CrateImportResult> {
    return this.client.call('importCrate', { content: { type: CRATE_MEDIA_TYPE, bytes: zip } });
  }

  /** A reproduction's own short-lived token, with at most this connection's scopes (see reproductionTokenRequest). */
  async reproductionToken(reproductionId: string): Promise<TokenCreated> {
    const me = await this.client.call('whoami', {});
    return this.client.call('createToken', { body: reproductionTokenRequest(reproductionId, me.scopes) });
  }

  async revokeToken(tokenId: string): Promise<void> {
    await this.client.call('revokeToken', { params: { tokenId } });
  }

  private jobs(): JobsClient {
    this.jobsClient ??= new JobsClient(this.client);
    return this.jobsClient;
  }

  async submitJob(spec: JobSpecInput, idempotencyKey: string): Promise<Job> {
    return (await this.jobs().submit(spec, { idempotencyKey })).job;
  }

  waitJob(id: string, onUpdate?: (job: Job) => void): Promise<Job> {
    return this.jobs().wait(id, { onUpdate });
  }

  /** A job's log as it is written, until the job is final. */
  async followLog(id: string, stream: 'stdout' | 'stderr', onText: (text: string) => void): Promise<void> {
    await this.jobs().followLogs(id, stream, 0, (c) => onText(c.data));
  }

  async jobLog(id: string, stream: 'stdout' | 'stderr'): Promise<string> {
    let text = '';
    await this.jobs().readLog(id, { stream }, (c) => (text += c.data));
    return text;
  }

  close(): void {
    this.jobsClient?.close();
  }
}
