import type { CellReport, ReproducibilityReport } from '@genesis-lab/contract';

const WORDS: Record<CellReport['status'], string> = {
  reproduced: 'reproduced',
  'within-tolerance': 'within tolerance',
  differs: 'differs',
  failed: 'failed',
  'not-run': 'not run'
};

const cellName = (c: CellReport) => `cell ${c.cellIndex + 1} (${c.cellId})`;

function detail(c: CellReport): string {
  switch (c.status) {
    case 'reproduced':
      return c.ignoredOutputs.length
        ? `outputs ${c.ignoredOutputs.map((i) => i + 1).join(', ')} declared non-deterministic`
        : '';
    case 'within-tolerance':
      return `max difference ${c.maxAbsDiff.toPrecision(3)} (relative ${c.maxRelDiff.toPrecision(3)}), allowed ${[
        c.tolerance.abs !== undefined ? `abs ${c.tolerance.abs}` : '',
        c.tolerance.rel !== undefined ? `rel ${c.tolerance.rel}` : ''
      ]
        .filter(Boolean)
        .join(', ')}`;
    case 'differs':
      return c.outputIndex !== undefined ? `from output ${c.outputIndex + 1}` : '';
    case 'failed':
      return c.error;
    case 'not-run':
      return c.reason;
  }
}

const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown: the verdict first, what was pinned, a table of cells, then each diff. */
export function reportMarkdown(r: ReproducibilityReport): string {
  const s = r.summary;
  const lines = [
    `# Reproducibility report: ${r.notebook.path}`,
    '',
    `**${r.reproducible ? 'Reproduced' : 'Did not reproduce'}**: ${s.reproduced + s.withinTolerance} of ${s.total} cells reproduced` +
      (s.withinTolerance ? ` (${s.withinTolerance} within tolerance)` : '') +
      [
        s.differs ? `, ${s.differs} differ` : '',
        s.failed ? `, ${s.failed} failed` : '',
        s.notRun ? `, ${s.notRun} not run` : ''
      ].join('') +
      '.',
    ''
  ];
  if (r.message) lines.push(`> ${r.message}`, '');
  if (r.originalRunId === null)
    lines.push(
      'This notebook was never run with Genesis: nothing was pinned, every dataset ref resolved to its latest version.',
      ''
    );
  lines.push(
    `- Original run: ${r.originalRunId ?? '(none)'}`,
    `- Reproduction: ${r.reproductionId} (run ${r.runId}) on facility \`${r.facility}\`${r.jobId ? `, job ${r.jobId}` : ''}`,
    `- ${r.startedAt}${r.endedAt ? ` to ${r.endedAt}` : ''}, ${r.state}`
  );
  const pins = Object.entries(r.pins);
  const models = Object.entries(r.pinnedModels ?? {});
  if (pins.length || models.length)
    lines.push(
      '',
      '**Pinned**:',
      '',
      ...pins.map(([id, p]) => `- \`${id}@${p.version}\` (sha256 \`${p.sha256.slice(0, 12)}…\`)`),
      ...models.map(([id, p]) => `- model \`${id}@${p.version}\` (weights sha256 \`${p.sha256.slice(0, 12)}…\`)`)
    );
  if (r.unpinned.length)
    lines.push(
      '',
      '**Not pinned** (the original run never recorded them; resolved to latest):',
      '',
      ...r.unpinned.map(
        (u) =>
          `- ${u.kind === 'model' ? 'model ' : ''}\`${u.ref}\` → \`${u.id}@${u.version}\`${u.cellId ? ` in cell ${u.cellId}` : ''}`
      )
    );
  lines.push('', '| # | cell | result | detail |', '|---|---|---|---|');
  for (const c of r.cells)
    lines.push(`| ${c.cellIndex + 1} | \`${c.cellId}\` | ${WORDS[c.status]} | ${cellText(detail(c))} |`);
  for (const c of r.cells)
    if (c.status === 'differs') lines.push('', `## ${cellName(c)} differs`, '', '```diff', c.diff, '```');
  return lines.join('\n') + '\n';
}
