/**
 * Where a snapshot of an executed cell becomes a recorded execution: in a Web Worker in the lab
 * (recordWorker.ts), so hashing and normalising outputs never run on the notebook's main thread.
 * Zod-free and record-free: the record module stays its own chunk, loaded by whoever builds.
 */
import { measureCapture } from './measure';
import type { BuiltExecution, IExecutionSnapshot } from './record';

/** A snapshot to build, by request id (many may be in flight). */
export interface IBuildRequest {
  id: number;
  snapshot: IExecutionSnapshot;
}

/** The built execution, or why it could not be built. */
export type IBuildAnswer =
  { id: number; execution: BuiltExecution; problems: string[] } | { id: number; error: string };

/** What a snapshot becomes, wherever it is built. */
export interface IBuilt {
  execution: BuiltExecution;
  problems: string[];
}

/** Builds snapshots into recorded executions (in a worker in the lab; in this thread otherwise). */
export type RecordBuilder = (snapshot: IExecutionSnapshot) => Promise<IBuilt>;

/** The part of a Worker (or a MessagePort) the builder talks to. */
export interface IBuildPort {
  postMessage(message: IBuildRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<IBuildAnswer>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
}

/**
 * Builds in a worker: the notebook's main thread only posts the snapshot (a structured clone)
 * and takes the answer; hashing and normalising happen in the worker. When the worker cannot be
 * started or fails, every snapshot not answered yet, and every later one, is built in this
 * thread instead (asynchronously, after the cell's end), so nothing is lost.
 */
export function workerBuilder(start: () => IBuildPort, inThread: RecordBuilder): RecordBuilder {
  let port: IBuildPort | null = null;
  let failed = false;
  let next = 0;
  const waiting = new Map<number, { snapshot: IExecutionSnapshot; resolve: (b: Promise<IBuilt> | IBuilt) => void }>();
  const fail = (why: unknown) => {
    if (failed) return;
    failed = true;
    console.warn('Genesis: the provenance worker failed; recording in the page instead', why);
    for (const w of waiting.values()) w.resolve(inThread(w.snapshot));
    waiting.clear();
  };
  const connect = (): IBuildPort | null => {
    if (failed) return null;
    if (port) return port;
    try {
      port = start();
    } catch (err) {
      fail(err);
      return null;
    }
    port.addEventListener('message', (event: MessageEvent<IBuildAnswer>) => {
      const t0 = performance.now();
      const answer = event.data; // deserialised here: part of the main thread's cost
      const w = waiting.get(answer.id);
      if (!w) return;
      waiting.delete(answer.id);
      if ('error' in answer) w.resolve(Promise.reject(new Error(answer.error)));
      else {
        w.resolve({ execution: answer.execution, problems: answer.problems });
        measureCapture(answer.execution.executionId, 'reply', t0);
      }
    });
    port.addEventListener('error', (event: Event) => fail(event));
    return port;
  };
  return (snapshot) => {
    const p = connect();
    if (!p) return inThread(snapshot);
    const id = next++;
    return new Promise<IBuilt>((resolve) => {
      waiting.set(id, { snapshot, resolve });
      const t0 = performance.now();
      try {
        p.postMessage({ id, snapshot });
      } catch (err) {
        waiting.delete(id);
        resolve(inThread(snapshot));
        console.warn('Genesis: a snapshot could not be sent to the provenance worker', err);
        return;
      }
      measureCapture(snapshot.executionId, 'post', t0);
    });
  };
}
