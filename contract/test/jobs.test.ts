import {
  JOB_STATES,
  JobSpec,
  canTransition,
  isFinal,
  parseDurationSeconds,
  parseMemoryBytes,
  parseOrThrow,
  FacilitiesFile
} from '../src';

describe('job spec', () => {
  it('parses durations in the forms people and Slurm write them', () => {
    const cases: Array<[number | string, number | undefined]> = [
      [90, 90],
      ['90', 90],
      ['90s', 90],
      ['15m', 900],
      ['1h30m', 5400],
      ['2d', 172800],
      ['01:30:00', 5400],
      ['30:00', 1800],
      ['1-00:00:00', 86400],
      ['0', undefined],
      ['soon', undefined],
      ['1:75', undefined],
      [1.5, undefined]
    ];
    for (const [text, secs] of cases) expect([text, parseDurationSeconds(text)]).toEqual([text, secs]);
  });

  it('parses memory sizes', () => {
    expect(parseMemoryBytes('512M')).toBe(512 * 1024 ** 2);
    expect(parseMemoryBytes('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseMemoryBytes('4G')).toBe(4 * 1024 ** 3);
    expect(parseMemoryBytes(2048)).toBe(2048);
    expect(parseMemoryBytes('lots')).toBeUndefined();
  });

  it('fills defaults and names every wrong field by its path', () => {
    const spec = JobSpec.parse({ name: 'a', executable: '/bin/true' });
    expect(spec).toMatchObject({
      facility: 'local',
      arguments: [],
      environment: {},
      inheritEnvironment: true,
      tags: {},
      stageIn: [],
      stageOut: []
    });
    let err: unknown;
    try {
      parseOrThrow(
        JobSpec,
        {
          name: 'two\nlines',
          executable: '',
          facility: 'Big',
          resources: { nodeCount: 0, memory: 'lots' },
          attributes: { duration: 'soon', custom: { constraint: 'x' } },
          environment: { '1X': 'v' },
          extra: 1
        },
        'body'
      );
    } catch (e) {
      err = e;
    }
    const paths = (err as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.executable',
        'body.facility',
        'body.resources.nodeCount',
        'body.resources.memory',
        'body.attributes.duration',
        'body.attributes.custom.constraint',
        'body.environment.1X'
      ])
    );
  });

  it('moves states forward only; QUEUED <-> HELD is the one way back', () => {
    expect(canTransition('QUEUED', 'HELD')).toBe(true);
    expect(canTransition('HELD', 'QUEUED')).toBe(true);
    expect(canTransition('ACTIVE', 'QUEUED')).toBe(false);
    expect(canTransition('ACTIVE', 'HELD')).toBe(false);
    for (const s of JOB_STATES) {
      expect(canTransition(s, 'NEW')).toBe(false);
      if (isFinal(s)) for (const t of JOB_STATES) expect(canTransition(s, t)).toBe(false);
    }
  });

  it('validates facilities files: kinds, options, duplicate names', () => {
    expect(FacilitiesFile.parse({ facilities: [{ name: 'local', kind: 'local' }] }).facilities[0]).toMatchObject({
      maxConcurrent: 4,
      clearance: 'open'
    });
    const bad = FacilitiesFile.safeParse({
      facilities: [
        { name: 'hpc', kind: 'slurm', pollIntervalMs: 10 },
        { name: 'hpc', kind: 'local' },
        { name: 'q', kind: 'quantum' }
      ]
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['facilities.0.pollIntervalMs', 'facilities.2.kind']));
  });
});
