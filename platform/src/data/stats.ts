import type { ReadObserver } from './ipc/file-reader';

/**
 * What the data path is doing, for /api/health: open scans (each holds a file and at most one
 * batch), and totals read. A client that goes away mid-stream shows up as `open` falling back
 * and `batchReads` no longer growing.
 */
export class DataStats implements ReadObserver {
  open = 0;
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

  snapshot(): { openScans: number; scans: number; batchReads: number; bytesRead: number } {
    return { openScans: this.open, scans: this.scans, batchReads: this.batchReads, bytesRead: this.bytesRead };
  }
}
