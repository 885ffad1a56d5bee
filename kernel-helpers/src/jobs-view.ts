import type { Job } from '@genesis-lab/contract';
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

/** Seconds since the job started (or was created), or its whole run once it ended. */
export function jobElapsed(job: Job, now = Date.now()): string {
  const from = Date.parse(job.startedAt ?? job.createdAt);
  const to = job.endedAt ? Date.parse(job.endedAt) : now;
  const s = Math.max(0, Math.round((to - from) / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** The plain-text status line (scripts, logs, and the text/plain part of the live output). */
export function jobStatusText(job: Job): string {
  const native = job.nativeState ? ` [${job.nativeState}${job.nativeReason ? `: ${job.nativeReason}` : ''}]` : '';
  const end = job.exitCode !== null ? ` exit ${job.exitCode}` : '';
  return `${job.spec.name} (${job.id}) on ${job.facility}${job.nativeId ? ` #${job.nativeId}` : ''}: ${job.state}${job.reason ? ` ${job.reason}` : ''}${end}, ${jobElapsed(job)}${native}`;
}

/** The live status line a cell shows while it waits for a job (theme-aware colours). */
export function jobStatusHtml(job: Job): string {
  const color = COLORS[job.state] ?? 'inherit';
  const spinner = job.state === 'QUEUED' || job.state === 'ACTIVE' || job.state === 'NEW' ? '⏳ ' : '';
  const mark = job.state === 'COMPLETED' ? '✓ ' : job.state === 'FAILED' ? '✗ ' : '';
  const native = job.nativeState
    ? ` <span style="color:var(--jp-ui-font-color2,#757575)">[${escapeHtml(job.nativeState)}${job.nativeReason ? `: ${escapeHtml(job.nativeReason)}` : ''}]</span>`
    : '';
  const msg = job.message
    ? ` <span style="color:var(--jp-ui-font-color2,#757575)">${escapeHtml(job.message)}</span>`
    : '';
  return (
    `<div class="genesis-job-status" data-job-id="${escapeHtml(job.id)}" data-state="${job.state}" style="font-size:var(--jp-ui-font-size1,12px)">` +
    `${spinner}${mark}<b>${escapeHtml(job.spec.name)}</b> <code>${escapeHtml(job.id)}</code> on ${escapeHtml(job.facility)}${job.nativeId ? ` #${escapeHtml(job.nativeId)}` : ''}: ` +
    `<span style="color:${color}" aria-hidden="true">●</span> <b>${job.state}</b>${job.reason ? ` ${escapeHtml(job.reason)}` : ''}${job.exitCode !== null ? ` exit ${job.exitCode}` : ''} · ${jobElapsed(job)}${native}${msg}</div>`
  );
}
