import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/** The lineage output's MIME type, as the kernel helpers write it. */
export const LINEAGE_MIME = 'application/vnd.genesis.lineage+json';

/**
 * Save a TypeScript notebook whose one code cell (`source`) holds one lineage output (`record`),
 * as a cell of the kernel helpers leaves it, and open it: what a user sees on opening a notebook
 * run earlier, with no kernel involved.
 */
export async function openLineageNotebook(
  page: IJupyterLabPageFixture,
  path: string,
  source: string,
  record: Record<string, unknown>
): Promise<void> {
  const notebook = {
    cells: [
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        source,
        outputs: [
          { output_type: 'display_data', data: { [LINEAGE_MIME]: record, 'text/plain': 'lineage' }, metadata: {} }
        ]
      }
    ],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5
  };
  await page.contents.uploadContent(JSON.stringify(notebook), 'text', path);
  await page.notebook.openByPath(path);
}
