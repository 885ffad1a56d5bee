import type { z } from 'zod';
import { GenesisError, issueMessage } from '@genesis-lab/contract';

/**
 * Parse a command's options with a contract schema, naming problems by the flag the user typed
 * (`Invalid --filter (value 1): ...`) rather than by the schema's field path
 * (`options.filter[0]`): the user never sees the field names. `flags` maps each schema key to
 * its flag (or to a word, e.g. `q` -> `query` for positional words).
 */
export function parseCliOptions<S extends z.ZodType>(
  schema: S,
  value: Record<string, unknown>,
  flags: Record<string, string>
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: where(i.path, flags), message: issueMessage(i) }));
  throw new GenesisError('validation_failed', `Invalid ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
}

function where(path: ReadonlyArray<PropertyKey>, flags: Record<string, string>): string {
  const [key, index] = path;
  const name = typeof key === 'string' ? (flags[key] ?? `--${kebab(key)}`) : 'options';
  return typeof index === 'number' ? `${name} (value ${index + 1})` : name;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
