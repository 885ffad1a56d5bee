import { MessageChannel } from 'node:worker_threads';
import { CellExecution, LINEAGE_MIME_TYPE } from '@genesis-lab/contract';
import * as record from '../provenance/record';
import { workerBuilder, type IBuildPort, type IBuilt } from '../provenance/recordBuild';
import type { IExecutionSnapshot } from '../provenance/record';

const snapshot = (executionId: string): IExecutionSnapshot => ({
  executionId,
  runId: '22222222-2222-4222-8222-222222222222',
  notebook: { id: '11111111-1111-4111-8111-111111111111', path: 'a.ipynb' },
  cellId: 'c1',
  cellIndex: 0,
  code: 'const t = await genesis.dataset("noaa/co2").table()',
  executionCount: 3,
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:01.000Z',
  success: true,
  outputs: [
    {
      output_type: 'display_data',
      data: {
        [LINEAGE_MIME_TYPE]: {
          schemaVersion: 1,
          at: '2026-01-01T00:00:00.000Z',
          kind: 'dataset',
          ref: 'noaa/co2',
          id: 'noaa/co2',
          version: '3',
          sha256: 'b'.repeat(64),
          rowCount: 5,
          mode: 'table'
        },
        'text/plain': 'noaa/co2@3'
      },
      metadata: {}
    },
    { output_type: 'stream', name: 'stdout', text: 'x'.repeat(4096) }
  ],
  environment: { kernel: { name: 'tslab' }, client: { name: 'extension', version: '0.1.0' } },
  user: 'ada'
});

/**
 * The worker's end of a real MessageChannel (structured clone both ways, as with a Worker): it
 * answers with the record module's answerBuild, which is all recordWorker.ts does per message.
 */
function channelWorker(): { port: IBuildPort; close(): void; answered: () => number } {
  const channel = new MessageChannel();
  let answered = 0;
  channel.port2.on('message', (request) => {
    answered++;
    channel.port2.postMessage(record.answerBuild(request));
  });
  const port1 = channel.port1 as unknown as IBuildPort & { start(): void };
  return {
    port: port1,
    answered: () => answered,
    close: () => {
      channel.port1.close();
      channel.port2.close();
    }
  };
}

describe('workerBuilder', () => {
  it('builds in the worker what the page would build: same hashes, same lineage, a valid CellExecution', async () => {
    const worker = channelWorker();
    const inThread = jest.fn(async (s: IExecutionSnapshot): Promise<IBuilt> => record.answerBuildInThread(s));
    const build = workerBuilder(() => worker.port, inThread);
    const s = snapshot('00000000-0000-4000-8000-000000000001');
    const built = await build(s);
    expect(inThread).not.toHaveBeenCalled();
    expect(worker.answered()).toBe(1);
    expect(CellExecution.safeParse(built.execution).error).toBeUndefined();
    expect(built.execution).toEqual(record.buildExecution(s));
    expect(built.execution.lineage.map((l) => l.kind)).toEqual(['dataset']);
    worker.close();
  });

  it('answers many snapshots in flight, each with its own execution', async () => {
    const worker = channelWorker();
    const build = workerBuilder(
      () => worker.port,
      (s) => Promise.resolve(record.answerBuildInThread(s))
    );
    const ids = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const built = await Promise.all(ids.map((id) => build(snapshot(id))));
    expect(built.map((b) => b.execution.executionId)).toEqual(ids);
    worker.close();
  });

  it('a worker that cannot start or fails: built in the page instead, nothing lost', async () => {
    const inThread = jest.fn(async (s: IExecutionSnapshot): Promise<IBuilt> => record.answerBuildInThread(s));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unstartable = workerBuilder(() => {
      throw new Error('no workers here');
    }, inThread);
    const a = await unstartable(snapshot('00000000-0000-4000-8000-00000000000a'));
    expect(a.execution.executionId).toBe('00000000-0000-4000-8000-00000000000a');
    expect(inThread).toHaveBeenCalledTimes(1);

    // A worker that takes the request and then dies: the waiting snapshot is built in the page.
    let onError: ((e: Event) => void) | null = null;
    const dying: IBuildPort = {
      postMessage: () => queueMicrotask(() => onError?.(new Event('error'))),
      addEventListener: (type: string, listener: (e: never) => void) => {
        if (type === 'error') onError = listener as (e: Event) => void;
      }
    };
    const fallback = workerBuilder(() => dying, inThread);
    const b = await fallback(snapshot('00000000-0000-4000-8000-00000000000b'));
    expect(b.execution.executionId).toBe('00000000-0000-4000-8000-00000000000b');
    expect(inThread).toHaveBeenCalledTimes(2);
    // And the next one goes straight to the page.
    await fallback(snapshot('00000000-0000-4000-8000-00000000000c'));
    expect(inThread).toHaveBeenCalledTimes(3);
    warn.mockRestore();
  });
});
