import * as path from 'node:path';

/** A MIME bundle: one output with several representations (the front end picks the richest). */
export type MimeBundle = Record<string, unknown>;

/** An output that is replaced in place (progress). */
export interface LiveOutput {
  update(html: string): void;
}

/** What the helpers need from a notebook kernel (tslab's or Deno's). */
export interface NotebookOutput {
  /** Add an output to the running cell; Deno's display is asynchronous (await it to keep order). */
  show(bundle: MimeBundle): void | Promise<void>;
  live(): LiveOutput;
}

interface TslabJupyter {
  lastWriteDisplayData:
    | ((data: { data: MimeBundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void)
    | null;
}

interface TslabPublic {
  newDisplay(): { raw(contentType: string, value: unknown): void };
  display: { raw(contentType: string, value: unknown): void };
}

const JUPYTER = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The tslab kernel this code runs in, if any. tslab runs cells in its own process, so its
 * modules are in `require.cache`; using that exact instance (not a second copy of tslab)
 * is what makes outputs reach the cell that is executing.
 */
function tslabModules(): { jupyter: TslabJupyter; pub: TslabPublic } | undefined {
  for (const key of Object.keys(require.cache)) {
    if (!JUPYTER.test(key)) continue;
    const jupyter = require.cache[key]?.exports as TslabJupyter | undefined;
    // A second copy of tslab (a cell importing "tslab" from another node_modules) is loaded but
    // idle: the running kernel's copy is the one with a cell's display writer set.
    if (typeof jupyter?.lastWriteDisplayData !== 'function') continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pub = require(path.join(path.dirname(key), 'public.js')) as TslabPublic;
    return { jupyter, pub };
  }
  return undefined;
}

/** Outputs through tslab, or undefined when not running inside a tslab kernel cell. */
export function tslabOutput(): NotebookOutput | undefined {
  const mods = tslabModules();
  if (!mods || typeof mods.jupyter.lastWriteDisplayData !== 'function') return undefined;
  const { jupyter, pub } = mods;
  const write = (bundle: MimeBundle): void => {
    const w = jupyter.lastWriteDisplayData;
    // One output carrying several representations (tslab's public display takes one MIME type).
    if (w) w({ data: bundle, metadata: {}, transient: {} }, false);
    else {
      // tslab's internals changed: fall back to its public API (one MIME type per output).
      const [mime, value] = Object.entries(bundle)[0]!;
      pub.display.raw(mime, value);
    }
  };
  return {
    show: (bundle) => write(bundle),
    live: () => {
      // tslab's newDisplay(): every update replaces the same output.
      const display = pub.newDisplay();
      return { update: (html) => display.raw('text/html', html) };
    }
  };
}
