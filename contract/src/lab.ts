import { z } from 'zod';

/**
 * What the Jupyter server side of Genesis Lab (the `genesis_lab` server extension) answers the
 * JupyterLab extension at `<base_url>genesis-lab/platform`: the state of the platform it runs
 * (or adopts, or proxies) and the start/stop/restart actions a user may take from the lab.
 * The Python side produces it (genesis_lab/supervisor.py `status()`); the extension validates it here.
 */
export const ManagedPlatformStatus = z
  .object({
    mode: z.enum(['managed', 'external', 'remote']),
    state: z.enum(['running', 'starting', 'stopped', 'unavailable']),
    home: z.string(),
    url: z.string().nullable(),
    pid: z.number().int().nullable(),
    owned: z.boolean(),
    version: z.string().nullable(),
    message: z.string().nullable(),
    hint: z.string().nullable(),
    restarts: z.number().int().nonnegative()
  })
  .meta({ id: 'ManagedPlatformStatus' });
export type ManagedPlatformStatus = z.infer<typeof ManagedPlatformStatus>;

export const ManagedPlatformAction = z.object({ action: z.enum(['start', 'stop', 'restart']) }).strict();
export type ManagedPlatformAction = z.infer<typeof ManagedPlatformAction>;
