import { z } from 'zod';
import { parseCliOptions } from '../options';

/** `--kernel` and `--cell-timeout` of `genesis run` and `genesis reproduce`, validated. */
const KernelFlags = z.object({
  kernel: z.string().min(1).optional(),
  cellTimeout: z.coerce.number().positive().max(86_400).optional()
});

/** The runner's kernel options from the flags: a name, and the per-cell timeout in ms. */
export function kernelOptions(o: Record<string, unknown>): { kernel?: string; cellTimeoutMs?: number } {
  const f = parseCliOptions(KernelFlags, { kernel: o.kernel, cellTimeout: o.cellTimeout }, {});
  return {
    ...(f.kernel ? { kernel: f.kernel } : {}),
    ...(f.cellTimeout ? { cellTimeoutMs: Math.round(f.cellTimeout * 1000) } : {})
  };
}
