import { isFinal, type LogChunk, type LogStream } from '@genesis-lab/contract';
import { PollLoop } from '../facilities/poll-loop';
import { fileSize, readLogChunk } from './logs';
import type { JobStore } from './store';

interface Follower {
  jobId: string;
  stream: LogStream;
  offset: number;
  file: string | null;
  send: (c: LogChunk) => void;
}

const CHUNK = 64 * 1024;

/**
 * Live log tails for socket subscribers. One poll loop checks every followed file; a follower
 * gets exactly the bytes after its offset, in order, and a last `eof` chunk once the job is
 * final and its file fully sent. Offsets make reconnects exact.
 */
export class LogFollowers {
  private readonly followers = new Set<Follower>();
  private readonly poll: PollLoop;

  constructor(
    private readonly jobs: JobStore,
    private readonly intervalMs = 150
  ) {
    this.poll = new PollLoop(() => this.tick(), { intervalMs: this.intervalMs });
  }

  add(jobId: string, stream: LogStream, offset: number, file: string | null, send: (c: LogChunk) => void): () => void {
    const f: Follower = { jobId, stream, offset, file, send };
    this.followers.add(f);
    this.pump(f);
    if (this.followers.size && !this.poll.isRunning) this.poll.start(this.intervalMs);
    return () => this.remove(f);
  }

  private remove(f: Follower): void {
    this.followers.delete(f);
    if (!this.followers.size) void this.poll.stop();
  }

  private tick(): boolean {
    for (const f of [...this.followers]) this.pump(f);
    return this.followers.size > 0;
  }

  /** Send what is new for one follower; finish it after the eof chunk. */
  private pump(f: Follower): void {
    const job = this.jobs.get(f.jobId);
    if (!job) return this.remove(f);
    const final = isFinal(job.state);
    for (;;) {
      const size = fileSize(f.file);
      if (size <= f.offset && !final) return;
      const chunk = readLogChunk(f.jobId, f.stream, f.file, f.offset, CHUNK, final);
      if (chunk.data.length || chunk.eof) f.send(chunk);
      f.offset = chunk.nextOffset;
      if (chunk.eof) return this.remove(f);
      if (chunk.nextOffset === chunk.offset) return; // only an incomplete character so far
    }
  }

  close(): void {
    this.followers.clear();
    void this.poll.stop();
  }
}
