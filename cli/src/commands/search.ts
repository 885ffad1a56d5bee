import type { Command } from 'commander';
import { GenesisClient } from '@genesis-lab/client';
import { SearchQuery, formatCount, type HighlightSpan, type SearchResult } from '@genesis-lab/contract';
import { parseCliOptions } from '../options';

/** Highlight spans for a terminal: marks in bold on a TTY, plain text otherwise. */
function terminalText(spans: readonly HighlightSpan[], tty: boolean): string {
  return spans.map((s) => (s.mark && tty ? `\u001b[1m${s.text}\u001b[22m` : s.text)).join('');
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function formatTable(result: SearchResult, tty: boolean): string {
  const lines: string[] = [];
  if (!result.hits.length) return 'No matching datasets.\n';
  const idW = Math.max(2, ...result.hits.map((h) => h.id.length));
  const licW = Math.max(7, ...result.hits.map((h) => h.license.length));
  lines.push(`${'ID'.padEnd(idW)}  ${'LICENSE'.padEnd(licW)}  ${'ACCESS'.padEnd(17)}  ${'ROWS'.padStart(11)}  TITLE`);
  for (const h of result.hits) {
    const rows = h.rowCount === undefined ? '-' : formatCount(h.rowCount);
    const title = h.highlights.title ? terminalText(h.highlights.title, tty) : h.title;
    lines.push(
      `${h.id.padEnd(idW)}  ${h.license.padEnd(licW)}  ${h.accessLevel.padEnd(17)}  ${rows.padStart(11)}  ${clip(title, 200)}`
    );
  }
  lines.push('');
  lines.push(
    `${result.hits.length} of ${result.total} matching datasets${result.nextCursor ? ' (more with --cursor, see --json)' : ''}`
  );
  const facets = Object.entries(result.facets)
    .filter(([, counts]) => counts.length)
    .map(
      ([name, counts]) =>
        `  ${name}: ${counts
          .slice(0, 6)
          .map((c) => `${c.value} (${c.count})`)
          .join(', ')}`
    );
  if (facets.length) lines.push('Facets:', ...facets);
  return lines.join('\n') + '\n';
}

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Search the catalog of the running platform (full text, facets, filters)')
    .argument('[query...]', 'words to search for; empty lists everything')
    .option(
      '--filter <facet:value>',
      'facet filter, repeatable (license, accessLevel, domain, publisher, format, keywords)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[]
    )
    .option('--sort <sort>', 'relevance|title|-title|updated|-updated|rows|-rows', 'relevance')
    .option('--limit <n>', 'hits per page (1-100)', '20')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print the raw SearchResult JSON')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(
      async (
        words: string[],
        opts: { filter: string[]; sort: string; limit: string; cursor?: string; json?: boolean; home?: string }
      ) => {
        // Validate locally with the contract so a typo is reported before any request.
        const query = parseCliOptions(
          SearchQuery,
          {
            q: words.join(' '),
            filter: opts.filter,
            sort: opts.sort,
            limit: opts.limit,
            ...(opts.cursor ? { cursor: opts.cursor } : {})
          },
          { q: 'query' }
        );
        const result = await new GenesisClient({ home: opts.home }).call('search', { query });
        process.stdout.write(
          opts.json ? JSON.stringify(result, null, 2) + '\n' : formatTable(result, process.stdout.isTTY === true)
        );
      }
    );
}
