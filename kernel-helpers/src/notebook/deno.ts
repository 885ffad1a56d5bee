import { randomUUID } from 'node:crypto';
import type { LiveOutput, MimeBundle, NotebookOutput } from './tslab';

/** The part of Deno's `Deno.jupyter` namespace the helpers use (Deno 2; `deno jupyter`). */
interface DenoJupyter {
  display(obj: unknown, options?: { raw?: boolean; update?: boolean; display_id?: string }): Promise<void>;
}

/**
 * Deno's Jupyter API when this code runs in a `deno jupyter` kernel. Outside one, `Deno.jupyter`
 * is a getter that throws ("only available in `deno jupyter` subcommand"), and in Node there is
 * no `Deno` at all.
 */
function denoJupyter(): DenoJupyter | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno;
  if (!deno) return undefined;
  try {
    const jupyter = deno.jupyter;
    return typeof jupyter?.display === 'function' ? jupyter : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Outputs through Deno's kernel, or undefined when not in one: `Deno.jupyter.display(bundle,
 * { raw: true })` writes a MIME bundle as display_data; a live output is one display id whose
 * later versions are sent with `update: true` (update_display_data), as tslab's newDisplay().
 */
export function denoOutput(): NotebookOutput | undefined {
  const jupyter = denoJupyter();
  if (!jupyter) return undefined;
  // A failed display must not become an unhandled rejection (Deno never shows those): say it.
  const send = (bundle: MimeBundle, options: { update?: boolean; display_id?: string } = {}): Promise<void> =>
    jupyter
      .display(bundle, { raw: true, ...options })
      .catch((err: unknown) => console.error(`genesis: could not display an output: ${(err as Error).message}`));
  return {
    show: (bundle) => send(bundle),
    live: (): LiveOutput => {
      const id = `genesis-${randomUUID()}`;
      let shown = false;
      return {
        update: (html) => {
          void send({ 'text/html': html }, { display_id: id, update: shown });
          shown = true;
        }
      };
    }
  };
}
