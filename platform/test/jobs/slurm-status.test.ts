import * as fs from 'node:fs';
import * as path from 'node:path';
import { observationOf, parseJobcomp, parseSqueueJson, type NativeStatus } from '../../src/facilities/slurm/status';
import { parseNodes, parsePartitions } from '../../src/facilities/slurm/cluster';

const status = (state: string, extra: Partial<NativeStatus> = {}): NativeStatus => ({
  nativeId: '1',
  state,
  reason: undefined,
  exitCode: undefined,
  signal: undefined,
  workDir: undefined,
  source: 'squeue',
  ...extra
});

describe('Slurm status parsing', () => {
  it('parses squeue --json of Slurm 22.05 (openapi v0.0.38, captured from the real cluster)', () => {
    const jobs = parseSqueueJson(fs.readFileSync(path.join(__dirname, 'fixtures/squeue-22.05.json'), 'utf8'));
    const byState = Object.fromEntries(jobs.map((j) => [j.state, j]));
    expect(byState.FAILED).toMatchObject({ reason: 'NonZeroExitCode', exitCode: 3, signal: undefined });
    expect(byState.PENDING).toMatchObject({ reason: 'JobHeldUser' });
    expect(byState.RUNNING).toMatchObject({ reason: undefined });
    expect(byState.CANCELLED).toBeDefined();
    expect(observationOf(byState.PENDING!, undefined, false).state).toBe('HELD');
    expect(observationOf(byState.RUNNING!, undefined, false).state).toBe('ACTIVE');
    expect(observationOf(byState.FAILED!, undefined, false)).toMatchObject({
      state: 'FAILED',
      exitCode: 3,
      reason: 'NONZERO_EXIT',
      nativeState: 'FAILED',
      nativeReason: 'NonZeroExitCode'
    });
  });

  it('parses the list-shaped squeue --json of Slurm 23.11+ (openapi v0.0.40) by its meta version', () => {
    const doc = {
      meta: {
        plugin: { type: 'openapi/slurmctld', name: 'Slurm OpenAPI slurmctld', data_parser: 'data_parser/v0.0.40' },
        slurm: { version: { major: '23', minor: '11', micro: '4' } }
      },
      errors: [],
      jobs: [
        {
          job_id: 77,
          job_state: ['TIMEOUT'],
          state_reason: 'TimeLimit',
          exit_code: {
            status: ['SIGNALED'],
            return_code: { set: true, infinite: false, number: 0 },
            signal: { id: { set: true, number: 15 }, name: 'TERM' }
          },
          current_working_directory: '/w/j77'
        },
        {
          job_id: 78,
          job_state: ['PENDING', 'REQUEUE_HOLD'],
          state_reason: 'JobHeldAdmin',
          exit_code: { status: ['PENDING'], return_code: { set: true, number: 0 } }
        }
      ]
    };
    doc.meta.plugin.type = 'openapi/v0.0.40';
    const [a, b] = parseSqueueJson(JSON.stringify(doc));
    expect(a).toMatchObject({ nativeId: '77', state: 'TIMEOUT', signal: 15, workDir: '/w/j77' });
    expect(observationOf(a!, undefined, false)).toMatchObject({
      state: 'FAILED',
      reason: 'TIMEOUT',
      nativeState: 'TIMEOUT',
      nativeReason: 'TimeLimit'
    });
    expect(b).toMatchObject({ nativeId: '78', state: 'PENDING,REQUEUE_HOLD' });
    expect(observationOf(b!, undefined, false)).toMatchObject({ state: 'HELD', nativeState: 'PENDING,REQUEUE_HOLD' });
  });

  it('refuses an answer without a jobs list (retried, never read as "no jobs")', () => {
    expect(() => parseSqueueJson('{"errors":[{"error":"x"}]}')).toThrow(/jobs/);
    expect(() => parseSqueueJson('not json')).toThrow();
  });

  it('maps final Slurm states to ours, the native state kept verbatim', () => {
    const table: Array<[string, string, string | undefined]> = [
      ['COMPLETED', 'COMPLETED', undefined],
      ['TIMEOUT', 'FAILED', 'TIMEOUT'],
      ['DEADLINE', 'FAILED', 'TIMEOUT'],
      ['OUT_OF_MEMORY', 'FAILED', 'OUT_OF_MEMORY'],
      ['NODE_FAIL', 'FAILED', 'NODE_FAIL'],
      ['BOOT_FAIL', 'FAILED', 'LAUNCH_FAILED'],
      ['PREEMPTED', 'FAILED', 'PREEMPTED'],
      ['CANCELLED', 'CANCELED', 'OTHER'],
      ['CANCELLED by 0', 'CANCELED', 'OTHER'],
      ['PENDING', 'QUEUED', undefined],
      ['CONFIGURING', 'ACTIVE', undefined],
      ['COMPLETING', 'ACTIVE', undefined],
      ['SUSPENDED', 'ACTIVE', undefined]
    ];
    for (const [native, state, reason] of table) {
      const o = observationOf(status(native, { exitCode: 0 }), undefined, false);
      expect([native, o.state, o.reason]).toEqual([native, state, reason]);
      expect(o.nativeState).toBe(native);
    }
    expect(observationOf(status('CANCELLED'), undefined, true).reason).toBe('CANCELED_BY_USER');
  });

  it('takes the exit code from our own exit file over Slurm’s', () => {
    expect(observationOf(status('FAILED', { exitCode: 1 }), 3, false)).toMatchObject({ state: 'FAILED', exitCode: 3 });
    expect(observationOf(status('COMPLETED', { exitCode: 0 }), 0, false)).toMatchObject({
      state: 'COMPLETED',
      exitCode: 0
    });
  });

  it('parses the job-completion log (sacct -c), later records winning', () => {
    const rows = parseJobcomp('4|FAILED|3:0|/tmp\n6|CANCELLED by 0|0:15|/w/a\n6|COMPLETED|0:0|/w/a\nJobID|x\n');
    expect(rows).toEqual([
      {
        nativeId: '4',
        state: 'FAILED',
        reason: undefined,
        exitCode: 3,
        signal: undefined,
        workDir: '/tmp',
        source: 'jobcomp'
      },
      {
        nativeId: '6',
        state: 'COMPLETED',
        reason: undefined,
        exitCode: 0,
        signal: undefined,
        workDir: '/w/a',
        source: 'jobcomp'
      }
    ]);
  });

  it('reads partitions and nodes from scontrol -o', () => {
    const parts = parsePartitions(
      'PartitionName=debug AllowGroups=ALL Default=YES MaxNodes=UNLIMITED MaxTime=UNLIMITED Nodes=localhost State=UP TotalCPUs=2 TotalNodes=1\n' +
        'PartitionName=short Default=NO MaxNodes=4 MaxTime=00:30:00 Nodes=n[01-04] State=UP TotalNodes=4\n'
    );
    expect(parts).toEqual([
      {
        name: 'debug',
        isDefault: true,
        up: true,
        maxTimeSeconds: null,
        maxNodes: null,
        totalNodes: 1,
        nodes: 'localhost'
      },
      { name: 'short', isDefault: false, up: true, maxTimeSeconds: 1800, maxNodes: 4, totalNodes: 4, nodes: 'n[01-04]' }
    ]);
    const nodes = parseNodes('NodeName=n01 Arch=x86_64 CPUTot=64 RealMemory=256000 Gres=gpu:a100:4 State=IDLE\n');
    expect(nodes).toEqual([{ name: 'n01', cpus: 64, memoryMb: 256000, gpus: 4, state: 'IDLE' }]);
  });
});
