import { z } from 'zod';
import { AccessLevel, UserName } from '@genesis-lab/contract';

/** How a platform process is started (CLI flags, environment, or a test). */
export const PlatformConfig = z
  .object({
    home: z.string().optional().describe('GENESIS_HOME; ~/.genesis by default'),
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(0).describe('0 picks a free port'),
    token: z
      .string()
      .min(16, 'a token must be at least 16 characters')
      .optional()
      .describe('GENESIS_TOKEN; generated when absent'),
    facilitiesFile: z.string().optional(),
    /** The OIP servers the `oip` model runtime may call (default `$GENESIS_HOME/model-endpoints.json`). */
    modelEndpointsFile: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    /** Write the discovery file (off for throwaway test servers that pass URL+token directly). */
    writeDiscovery: z.boolean().default(true),
    /**
     * What the owner token is cleared for. A deployment that may only serve open data (a public
     * Binder, a teaching hub) narrows this; the access-control work adds per-user tokens.
     */
    clearances: z.array(AccessLevel).min(1).default(['open', 'controlled', 'export-controlled']),
    /** The local user the discovery token belongs to (an admin of this platform). */
    localUser: UserName.default('owner'),
    /** Extra CORS origins allowed to call the API from a browser (the proxy path needs none). */
    corsOrigins: z.array(z.string()).default([]),
    /** The program a reproduction job runs (the notebook runner's entry); `genesis serve` gives it. */
    reproductionProgram: z.string().min(1).optional(),
    /**
     * Python environments (sys.prefix) whose share/jupyter/kernels hold the kernels reproductions
     * run in; `genesis serve` gives the configured, active and genesis_lab ones. Empty: the
     * platform's own $VIRTUAL_ENV / $CONDA_PREFIX.
     */
    kernelEnvironments: z.array(z.string().min(1)).default([]),
    /**
     * Host directories stage-in may read from and stage-out may write to (absolute paths). Empty:
     * anywhere the platform user may, except the platform's own files (see docs/security.md).
     */
    stagingRoots: z.array(z.string().min(1)).default([]),
    /** The largest request body accepted (413 above it); crate imports have their own larger limit. */
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(8 * 1024 * 1024),
    /** Requests per token (per client address without one) per minute; 0 turns the limit off. */
    rateLimitPerMinute: z.coerce.number().int().min(0).default(60_000)
  })
  .strict();
export type PlatformConfig = z.infer<typeof PlatformConfig>;
export type PlatformConfigInput = z.input<typeof PlatformConfig>;
