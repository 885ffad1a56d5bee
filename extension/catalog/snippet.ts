import { formatRef } from '@genesis-lab/contract';

/** Above this many rows the inserted cell pulls a first slice; the user can remove the limit. */
const LARGE_DATASET_ROWS = 1_000_000;
/** List columns explicitly (easy to trim) when there are not too many of them. */
const MAX_LISTED_COLUMNS = 12;

export interface ISnippetSource {
  id: string;
  version: string;
  title?: string;
  columns?: readonly string[];
  rowCount?: number;
}

/**
 * The code of the cell that "Insert" puts into a notebook: it pulls the exact version shown
 * in the catalog with the kernel helpers, which display the table and leave the lineage
 * output naming that version.
 */
export function datasetSnippet(source: ISnippetSource): string {
  const ref = formatRef({ id: source.id, version: source.version });
  const variable = variableName(source.id);
  const options: string[] = [];
  if (source.columns?.length && source.columns.length <= MAX_LISTED_COLUMNS) {
    options.push(`columns: [${source.columns.map((c) => JSON.stringify(c)).join(', ')}]`);
  }
  if ((source.rowCount ?? 0) > LARGE_DATASET_ROWS) options.push('limit: 100_000');
  const title = source.title ? `// ${source.title.replace(/[\r\n]+/g, ' ')}\n` : '';
  // The explicit `Table` type keeps tslab's declaration emit happy when node_modules is reached
  // through a symlink (it cannot name an inferred type from another path then).
  return [
    `import { genesis } from "@genesis-lab/kernel";`,
    `import type { Table } from "apache-arrow";`,
    ``,
    `${title}const ${variable}: Table = await genesis.dataset(${JSON.stringify(ref)}).table({${
      options.length ? ` ${options.join(', ')} ` : ''
    }});`
  ].join('\n');
}

/** `noaa/mauna-loa-co2` -> `maunaLoaCo2`: a valid identifier named after the dataset. */
export function variableName(id: string): string {
  const name = id.slice(id.indexOf('/') + 1);
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  const ident = /^[0-9]/.test(camel) ? `d${camel}` : camel;
  return ident || 'table';
}
