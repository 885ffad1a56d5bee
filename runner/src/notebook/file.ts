import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  formatPath,
  GenesisError,
  issueMessage,
  Notebook,
  NotebookCell,
  NotebookKernelspec,
  parseOrThrow
} from '@genesis-lab/contract';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';

// The notebook without its cells: they are validated one by one, so an error can name the cell.
const NotebookShell = Notebook.extend({
  nbformat: z.literal(4, {
    error: 'only nbformat 4 notebooks can be run (convert older ones with `jupyter nbconvert --to notebook`)'
  }),
  cells: z.array(z.unknown())
});

/** Which cell, in words a user finds it by: its position, and its id when it has one. */
export function describeCell(index: number, count: number, cell?: unknown): string {
  const id = typeof (cell as { id?: unknown })?.id === 'string' ? ` (id "${(cell as { id: string }).id}")` : '';
  return `cell ${index + 1} of ${count}${id}`;
}

function invalid(name: string, where: string, root: string, error: z.ZodError): GenesisError {
  const issues = error.issues.map((i) => ({ path: formatPath(root, i.path), message: issueMessage(i) }));
  const first = issues[0]!;
  return new GenesisError('validation_failed', `Notebook ${name}: ${where}: ${first.path} ${first.message}`, {
    issues
  });
}

/** Validate a parsed .ipynb; a malformed cell is named by number and id. `name` says which notebook. */
export function parseNotebook(json: unknown, name: string): Notebook {
  const shell = NotebookShell.safeParse(json);
  if (!shell.success) throw invalid(name, 'not an nbformat 4 notebook', '', shell.error);
  const cells = shell.data.cells.map((raw, i) => {
    const r = NotebookCell.safeParse(raw);
    if (!r.success) throw invalid(name, describeCell(i, shell.data.cells.length, raw), `cells[${i}]`, r.error);
    return r.data;
  });
  return { ...shell.data, cells };
}

export function readNotebook(file: string): Notebook {
  let body: string;
  try {
    body = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new GenesisError(
      'not_found',
      `Cannot read notebook ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new GenesisError('bad_request', `Notebook ${file} is not JSON: ${(e as Error).message}`);
  }
  return parseNotebook(json, path.basename(file));
}

// nbformat writes these as lists of lines; everything else (JSON MIME types) stays as it is.
const isTextMime = (mime: string) => mime.startsWith('text/') || mime === 'image/svg+xml' || mime.endsWith('+xml');

function splitLines(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])])
    );
  return value;
}

/** The .ipynb text as nbformat itself writes it (sorted keys, one-space indent, multiline strings as lines), so diffs stay small. */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((c) => {
    const out: Record<string, unknown> = { ...c, source: splitLines(c.source) };
    if (c.cell_type === 'code')
      out.outputs = c.outputs.map((o) => {
        if (o.output_type === 'stream') return { ...o, text: splitLines(o.text) };
        if (o.output_type === 'display_data' || o.output_type === 'execute_result')
          return {
            ...o,
            data: Object.fromEntries(Object.entries(o.data).map(([m, v]) => [m, isTextMime(m) ? splitLines(v) : v]))
          };
        return o;
      });
    return out;
  });
  return JSON.stringify(sorted({ ...nb, cells }), null, 1) + '\n';
}

/** The kernel a notebook declares (`metadata.kernelspec`), validated; undefined when it names none. */
export function notebookKernelspec(nb: Notebook): NotebookKernelspec | undefined {
  const k = nb.metadata.kernelspec;
  return k === undefined ? undefined : parseOrThrow(NotebookKernelspec, k, 'notebook metadata.kernelspec');
}

/** Write a notebook so a reader (JupyterLab, git) sees the old file or the whole new one, never a part. */
export async function writeNotebook(file: string, nb: Notebook): Promise<void> {
  await writeFileAtomic(file, serializeNotebook(nb), { fsync: true });
}
