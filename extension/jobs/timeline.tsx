import { isFinal, type Job, type JobState } from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import { formatDuration } from '../common/format';

interface ISegment {
  state: JobState;
  start: number;
  end: number;
  reason?: string;
}

/** The time spent in each state, from the job's history (now closes an open segment). */
export function segmentsOf(job: Job, now: number): ISegment[] {
  const events = job.history;
  const segments: ISegment[] = [];
  events.forEach((e, i) => {
    const start = Date.parse(e.at);
    const next = events[i + 1];
    const end = next ? Date.parse(next.at) : isFinal(e.state) ? start : now;
    segments.push({ state: e.state, start, end: Math.max(start, end), reason: e.nativeReason ?? e.reason });
  });
  return segments;
}

const WIDTH = 600;
const HEIGHT = 16;

/**
 * A job's life as one horizontal bar: a coloured span per state (queued, held, running …),
 * proportional to the time spent in it, ending in a cap coloured by the final state. The
 * bar stretches to the panel width; labels are HTML below it so they do not stretch.
 */
export function JobTimeline(props: { job: Job; now: number; trans: TranslationBundle }): React.ReactElement | null {
  const { trans } = props;
  const segments = segmentsOf(props.job, props.now);
  if (segments.length === 0) return null;
  const t0 = segments[0]!.start;
  const t1 = Math.max(segments[segments.length - 1]!.end, t0 + 1);
  const x = (t: number) => ((t - t0) / (t1 - t0)) * WIDTH;
  const final = isFinal(props.job.state);
  const cap = final ? 8 : 0;
  const scale = (WIDTH - cap) / WIDTH;
  const spans = segments.filter((s) => !isFinal(s.state));
  return (
    <figure className="jp-Genesis-timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={trans.__(
          'Timeline: %1',
          segments.map((s) => `${s.state} ${formatDuration(s.end - s.start)}`).join(', ')
        )}
        width="100%"
        height={HEIGHT}
      >
        <rect className="jp-Genesis-timelineTrack" x={0} y={0} width={WIDTH} height={HEIGHT} />
        {spans.map((s, i) => (
          <rect
            key={i}
            className={`jp-Genesis-timelineSegment jp-Genesis-state-${s.state}`}
            x={x(s.start) * scale}
            y={0}
            width={Math.max(1.5, (x(s.end) - x(s.start)) * scale)}
            height={HEIGHT}
          >
            <title>{`${s.state}${s.reason ? ` (${s.reason})` : ''}: ${formatDuration(s.end - s.start)}`}</title>
          </rect>
        ))}
        {final && (
          <rect
            className={`jp-Genesis-timelineSegment jp-Genesis-state-${props.job.state}`}
            x={WIDTH - cap}
            y={0}
            width={cap}
            height={HEIGHT}
          >
            <title>{props.job.state}</title>
          </rect>
        )}
      </svg>
      <figcaption className="jp-Genesis-timelineLegend">
        {segments.map((s, i) => (
          <span key={i} className="jp-Genesis-timelineStep">
            <span className={`jp-Genesis-stateDot jp-Genesis-state-${s.state}`} aria-hidden="true" />
            {s.state}
            {!isFinal(s.state) && <span className="jp-Genesis-muted"> {formatDuration(s.end - s.start)}</span>}
          </span>
        ))}
        <span className="jp-Genesis-muted">{trans.__('total %1', formatDuration(t1 - t0))}</span>
      </figcaption>
    </figure>
  );
}
