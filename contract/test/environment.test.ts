import { ExecutionEnvironment, LOCKFILE_NAMES, lockfileCandidates } from '@genesis-lab/contract';

describe('the execution environment shape', () => {
  it('looks for lockfiles from the notebook folder up to the root, nearest first', () => {
    expect(lockfileCandidates('work/paper/analysis.ipynb')).toEqual([
      'work/paper/package-lock.json',
      'work/paper/deno.lock',
      'work/package-lock.json',
      'work/deno.lock',
      'package-lock.json',
      'deno.lock'
    ]);
    expect(lockfileCandidates('/home/a/nb.ipynb').slice(0, 2)).toEqual([
      '/home/a/package-lock.json',
      '/home/a/deno.lock'
    ]);
    expect(lockfileCandidates('/home/a/nb.ipynb').slice(-LOCKFILE_NAMES.length)).toEqual([
      '/package-lock.json',
      '/deno.lock'
    ]);
    expect(lockfileCandidates('nb.ipynb')).toEqual(['package-lock.json', 'deno.lock']);
  });

  it('says "none" with null and "not captured" by leaving the field out', () => {
    const base = { kernel: { name: 'tslab' }, client: { name: 'runner' as const, version: '0.1.0' } };
    expect(ExecutionEnvironment.parse({ ...base, helperVersion: null, lockfileSha256: null })).toMatchObject({
      helperVersion: null,
      lockfileSha256: null
    });
    expect(ExecutionEnvironment.parse(base).lockfileSha256).toBeUndefined();
    expect(ExecutionEnvironment.safeParse({ ...base, lockfileSha256: 'abc' }).success).toBe(false);
    expect(ExecutionEnvironment.safeParse({ ...base, helperVersion: '' }).success).toBe(false);
  });
});
