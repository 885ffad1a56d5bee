import type { ReadObserver } from './ipc/file-reader';

/**
 * What the data path is doing, for /api/health: open scans (each holds a file and at most one
 * batch), and totals read. A client that goes away mid-stream shows up as `open` falling back
 * and `batchReads` no longer growing.
 */
export class DataStats implements ReadObserver {
  open = 0;
  /** Streams blocked now on a full socket, until their client reads ('drain'). */
  waiting = 0;
  scans = 0;
  /** Reads of (some columns of) one stored batch. */
  batchReads = 0;
  bytesRead = 0;

  onOpen(): void {
    this.open++;
    this.scans++;
  }

  onBatchRead(_rows: number, bytes: number): void {
    this.batchReads++;
    this.bytesRead += bytes;
  }

  onClose(): void {
    this.open--;
  }

  onWait(): void {
    this.waiting++;
  }

  onWake(): void {
    this.waiting--;
  }

  snapshot(): {
    openScans: number;
    waitingStreams: number;
    scans: number;
    batchReads: number;
    bytesRead: number;
  } {
    return {
      openScans: this.open,
      waitingStreams: this.waiting,
      scans: this.scans,
      batchReads: this.batchReads,
      bytesRead: this.bytesRead
    };
  }
}
