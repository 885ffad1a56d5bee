import { z } from 'zod';
import { ProjectId } from './catalog';
import { FacilityName } from './jobs';
import { NotebookPins, ReproductionId, RunId } from './provenance';
import type { Scope, TokenCreate } from './security';

/**
 * The token a reproduction job carries (in its 0600 spec file): its own, never the starter's or
 * the platform's, revoked when the reproduction ends (success, failure, cancel, or found ended
 * after a platform restart); the expiry bounds what a crash of everything leaves behind.
 */
export const REPRODUCTION_TOKEN_HOURS = 12;
/** What a reproduction does: read data and models, record executions and its report, submit the notebook's jobs. */
export const REPRODUCTION_TOKEN_SCOPES: readonly Scope[] = ['read', 'write', 'run'];
const TOKEN_NAME_PREFIX = 'reproduction ';

/** The token request for a reproduction, with at most the scopes its starter has. */
export function reproductionTokenRequest(reproductionId: string, starterScopes: readonly Scope[]): TokenCreate {
  return {
    name: `${TOKEN_NAME_PREFIX}${reproductionId}`,
    scopes: REPRODUCTION_TOKEN_SCOPES.filter((s) => starterScopes.includes(s)),
    expiresInDays: REPRODUCTION_TOKEN_HOURS / 24
  };
}

/**
 * What a reproduction job reads (`genesis-notebook reproduce-job SPEC`): written by whoever starts
 * the reproduction (`genesis reproduce`, or the platform for `POST .../reproductions`) as a file
 * of mode 0600 (it holds the platform token, which jobs never inherit), validated by the job.
 */
export const ReproduceJobSpec = z
  .object({
    /** The working copy the job executes and writes with the reproduced outputs. */
    notebook: z.string().min(1),
    /** The notebook as recorded: its outputs are what the reproduction must show again. */
    expected: z.string().min(1),
    reportJson: z.string().min(1),
    reportMarkdown: z.string().min(1),
    platform: z.object({
      url: z.string().url(),
      token: z.string().min(1).describe("The reproduction's own token (reproductionTokenRequest), revoked when it ends")
    }),
    reproductionId: ReproductionId,
    runId: RunId,
    originalRunId: RunId.nullable(),
    notebookId: z.uuid().optional(),
    notebookPath: z.string().min(1),
    /** The kernel's working directory: the original notebook's folder, so relative paths mean what they meant. */
    cwd: z.string().min(1),
    facility: FacilityName,
    pins: NotebookPins,
    /** The project the reproduction's run belongs to: the original run's. */
    project: ProjectId.optional(),
    /** Original execution ids by cell id, for the report's links. */
    originalExecutions: z.record(z.string(), z.uuid()).default({}),
    kernel: z.string().optional(),
    cellTimeoutMs: z.number().int().positive().optional(),
    kernelSearchPrefixes: z.array(z.string()).optional(),
    startedAt: z.iso.datetime({ offset: true })
  })
  .strict();
export type ReproduceJobSpec = z.infer<typeof ReproduceJobSpec>;

/** `POST /api/provenance/runs/{runId}/reproductions`: reproduce a recorded run as a job. */
export const ReproductionRequest = z
  .object({
    facility: FacilityName.default('local').describe('The facility the reproduction job runs on'),
    notebook: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The notebook as the client holds it (.ipynb JSON); default: rebuilt from the record'),
    notebookName: z
      .string()
      .regex(/^[^/\\\0]{1,255}\.ipynb$/, 'must be a file name ending in .ipynb')
      .optional(),
    directory: z
      .string()
      .regex(/^\//, 'must be an absolute path')
      .optional()
      .describe("The kernel's working directory (where the notebook's project is); default: the platform's"),
    kernel: z.string().min(1).optional().describe("Overrides the notebook's kernelspec"),
    cellTimeoutMs: z.number().int().positive().max(86_400_000).optional()
  })
  .strict()
  .meta({ id: 'ReproductionRequest' });
export type ReproductionRequest = z.infer<typeof ReproductionRequest>;

export const ReproductionStarted = z
  .object({
    reproductionId: ReproductionId,
    jobId: z.string(),
    /** Where the job writes the reproduced notebook and the report (on the platform's machine). */
    directory: z.string()
  })
  .meta({ id: 'ReproductionStarted' });
export type ReproductionStarted = z.infer<typeof ReproductionStarted>;
