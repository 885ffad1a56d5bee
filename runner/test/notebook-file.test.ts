import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNotebook, readNotebook, serializeNotebook, writeNotebook } from '@genesis-lab/notebook-runner';
import { VENV, notebook, tempDir } from './support/kernels';

const valid = () =>
  JSON.parse(JSON.stringify(notebook('tslab', ['# Title', 'console.log(1)']))) as Record<string, unknown> & {
    cells: Record<string, unknown>[];
  };

describe('reading a notebook', () => {
  it('names the malformed cell by number and id', () => {
    const nb = valid();
    nb.cells[1]!.source = 42;
    expect(() => parseNotebook(nb, 'a.ipynb')).toThrow(
      'Notebook a.ipynb: cell 2 of 2 (id "c2"): cells[1].source Invalid input'
    );
    const bad = valid();
    bad.cells[0]!.cell_type = 'heading';
    expect(() => parseNotebook(bad, 'a.ipynb')).toThrow(/cell 1 of 2 \(id "m1"\): cells\[0\]\.cell_type/);
    const out = valid();
    out.cells[1]!.outputs = [{ output_type: 'stream', name: 'stdlog', text: 'x' }];
    expect(() => parseNotebook(out, 'a.ipynb')).toThrow(/cell 2 of 2 \(id "c2"\): cells\[1\]\.outputs\[0\]\.name/);
  });

  it('refuses other nbformat versions and invalid kernelspec metadata with what to do', () => {
    expect(() => parseNotebook({ ...valid(), nbformat: 3 }, 'old.ipynb')).toThrow(
      /only nbformat 4 notebooks can be run/
    );
    expect(() => readNotebook('/nonexistent/x.ipynb')).toThrow(/Cannot read notebook \/nonexistent\/x\.ipynb: ENOENT/);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'broken.ipynb'), '{"cells": [');
    expect(() => readNotebook(path.join(dir, 'broken.ipynb'))).toThrow(/broken\.ipynb is not JSON/);
  });

  it('keeps fields it does not know through a round trip', () => {
    const nb = valid();
    (nb.metadata as Record<string, unknown>).widgets = { state: { a: 1 } };
    nb.cells[0]!.attachments = { 'x.png': { 'image/png': 'AAAA' } };
    const back = JSON.parse(serializeNotebook(parseNotebook(nb, 'a.ipynb')));
    expect(back.metadata.widgets).toEqual({ state: { a: 1 } });
    expect(back.cells[0].attachments).toEqual({ 'x.png': { 'image/png': 'AAAA' } });
  });
});

describe('writing a notebook', () => {
  it('writes what nbformat itself validates, with text as lists of lines', async () => {
    const nb = parseNotebook(valid(), 'a.ipynb');
    const code = nb.cells[1]!;
    if (code.cell_type !== 'code') throw new Error('cell 2 is code');
    code.execution_count = 1;
    code.outputs = [
      { output_type: 'stream', name: 'stdout', text: 'one\ntwo\n' },
      {
        output_type: 'display_data',
        data: { 'text/html': '<b>a</b>\n<i>b</i>', 'application/json': { a: [1] } },
        metadata: {}
      },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '2' }, metadata: {} },
      { output_type: 'error', ename: 'Error', evalue: 'x', traceback: ['Error: x'] }
    ];
    const file = path.join(tempDir(), 'out.ipynb');
    await writeNotebook(file, nb);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written.cells[1].outputs[0].text).toEqual(['one\n', 'two\n']);
    expect(written.cells[1].outputs[1].data['text/html']).toEqual(['<b>a</b>\n', '<i>b</i>']);
    expect(written.cells[1].outputs[1].data['application/json']).toEqual({ a: [1] });
    // The reference implementation accepts it (nbformat, in the project's environment).
    execFileSync(path.join(VENV, 'bin/python'), [
      '-c',
      'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))',
      file
    ]);
    expect(serializeNotebook(readNotebook(file))).toBe(fs.readFileSync(file, 'utf8'));
  });
});
