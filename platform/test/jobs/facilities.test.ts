import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobsClient } from '@genesis-lab/client';
import { loadFacilities } from '../../src/facilities/config';
import { startPlatformProcess, tempHome } from '@genesis-lab/test-support';

describe('facilities configuration', () => {
  it('refuses to start on an invalid facilities file, naming the field', async () => {
    const home = tempHome('genesis-fac-');
    fs.writeFileSync(
      path.join(home, 'facilities.json'),
      JSON.stringify({ facilities: [{ name: 'local', kind: 'local', maxConcurrent: 0 }] })
    );
    await expect(startPlatformProcess({ home })).rejects.toThrow(/facilities\[0\]\.maxConcurrent/);
  });

  it('takes --facilities FILE over the home file, and answers GET /api/facilities from it', async () => {
    const home = tempHome('genesis-fac-');
    const file = path.join(home, 'elsewhere.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ facilities: [{ name: 'workstation', kind: 'local', title: 'My box', maxConcurrent: 3 }] })
    );
    const p = await startPlatformProcess({ home, args: ['--facilities', file] });
    try {
      const list = await new JobsClient(p).facilities();
      expect(list.map((f) => [f.name, f.kind, f.title, f.healthy])).toEqual([['workstation', 'local', 'My box', true]]);
      expect(list[0]!.message).toMatch(/limit 3/);
    } finally {
      await p.stop();
    }
  });

  it('defaults to local, plus slurm when Slurm tools are on PATH (GENESIS_SLURM=0 leaves it out)', () => {
    const none = path.join(tempHome('genesis-fac-'), 'absent.json');
    const withoutSlurm = loadFacilities(undefined, none, { PATH: '/nonexistent' });
    expect(withoutSlurm.facilities.map((f) => f.name)).toEqual(['local']);
    const bin = tempHome('genesis-fakebin-');
    for (const b of ['sbatch', 'squeue']) fs.writeFileSync(path.join(bin, b), '#!/bin/sh\n', { mode: 0o755 });
    expect(loadFacilities(undefined, none, { PATH: bin }).facilities.map((f) => f.kind)).toEqual(['local', 'slurm']);
    expect(loadFacilities(undefined, none, { PATH: bin, GENESIS_SLURM: '0' }).facilities.map((f) => f.kind)).toEqual([
      'local'
    ]);
  });
});
