/** User Timing name of capture's main-thread work per execution (bench/provenance-browser.js reads it). */
export const CAPTURE_MEASURE = 'genesis-lab:capture';

/** The parts of capture's main-thread work: each a measure; the bench sums them per execution. */
export type CapturePhase = 'snapshot' | 'post' | 'reply' | 'record';

/** Capture's main-thread time, as a User Timing measure (kept to the last 2,000 executions). */
export function measureCapture(executionId: string, phase: CapturePhase, start: number): void {
  try {
    if (phase === 'snapshot' && performance.getEntriesByName(CAPTURE_MEASURE).length > 8000)
      performance.clearMeasures(CAPTURE_MEASURE);
    performance.measure(CAPTURE_MEASURE, { start, end: performance.now(), detail: { executionId, phase } });
  } catch {
    // No User Timing Level 3 (an old browser, jsdom): nothing to measure with.
  }
}
