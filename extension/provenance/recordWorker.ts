/**
 * The record builder's Web Worker: turns execution snapshots into recorded executions (code and
 * output sha256, normalised outputs, lineage) off the notebook's main thread. The lab starts it
 * with `new Worker(new URL('./recordWorker.js', import.meta.url))` (webpack 5 bundles it as its
 * own chunk); what it does per message is the record module's `answerBuild`.
 */
import { answerBuild } from './record';
import type { IBuildRequest } from './recordBuild';

interface IWorkerScope {
  onmessage: ((event: MessageEvent<IBuildRequest>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as IWorkerScope;
scope.onmessage = (event) => scope.postMessage(answerBuild(event.data));
