import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SearchResult } from '@genesis-lab/contract';
import { authedFetch, GENESIS_BIN, startPlatformProcess, tempHome } from '@genesis-lab/test-support';

describe('a crash during ingest', () => {
  it('leaves nothing visible, and the next platform start sweeps its temp file', async () => {
    const home = tempHome('genesis-crash-');
    const csv = path.join(home, 'big.csv');
    const lines = ['t,v,label'];
    for (let i = 0; i < 400_000; i++)
      lines.push(`2020-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${i * 0.5},row ${i}`);
    fs.writeFileSync(csv, lines.join('\n') + '\n');
    fs.writeFileSync(path.join(home, 'meta.json'), JSON.stringify({ title: 'Crash test', license: 'CC0-1.0' }));
    const child = spawn(
      process.execPath,
      [GENESIS_BIN, 'ingest', csv, '--id', 't/crash', '--meta', path.join(home, 'meta.json'), '--home', home],
      {
        stdio: 'ignore'
      }
    );
    // Kill it (SIGKILL: no cleanup runs) once it has started writing the object.
    const tmp = path.join(home, 'tmp');
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && !(fs.existsSync(tmp) && fs.readdirSync(tmp).some((f) => f.startsWith('ingest-'))))
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fs.readdirSync(tmp).some((f) => f.startsWith('ingest-'))).toBe(true);

    const p = await startPlatformProcess({ home });
    try {
      const r = SearchResult.parse(await (await authedFetch(p, '/api/catalog/search')).json());
      expect(r.total).toBe(0);
      expect((await authedFetch(p, '/api/catalog/records/t/crash')).status).toBe(404);
      expect(fs.readdirSync(tmp)).toEqual([]);
      const objects = path.join(home, 'objects');
      expect(
        fs.existsSync(objects)
          ? fs.readdirSync(objects, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.arrow'))
          : []
      ).toEqual([]);
    } finally {
      await p.stop();
    }
  }, 120000);
});
