import { formatDuration, jobElapsedMs, nativeStateText, type Job } from '@genesis-lab/contract';
import { escapeHtml } from './notebook/format';

// A coloured dot beside the state, not coloured text: the theme's success and warn colours
// are under 4.5:1 as text on white (#388e3c 4.1:1, #f57c00 2.9:1).
const COLORS: Record<string, string> = {
  NEW: 'var(--jp-ui-font-color2, #757575)',
  QUEUED: 'var(--jp-warn-color1, #f57c00)',
  HELD: 'var(--jp-warn-color1, #f57c00)',
  ACTIVE: 'var(--jp-brand-color1, #1976d2)',
  COMPLETED: 'var(--jp-success-color1, #388e3c)',
  FAILED: 'var(--jp-error-color1, #d32f2f)',
  CANCELED: 'var(--jp-ui-font-color2, #757575)'
};

/** The live status line a cell shows (the text form is the contract's `jobStatusText`) while it waits for a job (theme-aware colours). */
export function jobStatusHtml(job: Job): string {
  const color = COLORS[job.state] ?? 'inherit';
  const spinner = job.state === 'QUEUED' || job.state === 'ACTIVE' || job.state === 'NEW' ? '⏳ ' : '';
  const mark = job.state === 'COMPLETED' ? '✓ ' : job.state === 'FAILED' ? '✗ ' : '';
  const native = job.nativeState
    ? ` <span style="color:var(--jp-ui-font-color2,#757575)">${escapeHtml(nativeStateText(job))}</span>`
    : '';
  const msg = job.message
    ? ` <span style="color:var(--jp-ui-font-color2,#757575)">${escapeHtml(job.message)}</span>`
    : '';
  return (
    `<div class="genesis-job-status" data-job-id="${escapeHtml(job.id)}" data-state="${job.state}" style="font-size:var(--jp-ui-font-size1,12px)">` +
    `${spinner}${mark}<b>${escapeHtml(job.spec.name)}</b> <code>${escapeHtml(job.id)}</code> on ${escapeHtml(job.facility)}${job.nativeId ? ` #${escapeHtml(job.nativeId)}` : ''}: ` +
    `<span style="color:${color}" aria-hidden="true">●</span> <b>${job.state}</b>${job.reason ? ` ${escapeHtml(job.reason)}` : ''}${job.exitCode !== null ? ` exit ${job.exitCode}` : ''} · ${formatDuration(jobElapsedMs(job))}${native}${msg}</div>`
  );
}
