import { Job } from '@genesis-lab/contract';
import { jobStatusHtml } from '../../src/jobs-view';

/**
 * The notebook's job status line: the state is said in the text colour, with the theme's state
 * colour on a dot beside it. As text, JupyterLab's success and warn colours are under WCAG's
 * 4.5:1 on a white notebook (#388e3c 4.1:1, #f57c00 2.9:1).
 */
const job = Job.parse({
  id: 'j01m8cp08aj636v0cya3r',
  spec: { name: 'estimate-pi', facility: 'local', executable: '/bin/sh', arguments: ['-c', 'echo pi'] },
  facility: 'local',
  nativeId: '31950',
  state: 'COMPLETED',
  exitCode: 0,
  reason: null,
  message: 'exited 0',
  workDir: '/tmp/jobs/j01m8cp08aj636v0cya3r',
  nativeState: 'EXITED',
  nativeReason: 'exit status 0',
  owner: 'owner',
  createdAt: '2026-11-26T19:41:00.114Z',
  submittedAt: '2026-11-26T19:41:00.115Z',
  startedAt: '2026-11-26T19:41:00.117Z',
  endedAt: '2026-11-26T19:41:01.126Z',
  updatedAt: '2026-11-26T19:41:01.126Z',
  history: [],
  outputs: []
});

describe('jobStatusHtml', () => {
  it('says the state in the text colour and puts the state colour on a dot', () => {
    const html = jobStatusHtml(job);
    expect(html).toContain('<b>COMPLETED</b>');
    expect(html).toContain('<span style="color:var(--jp-success-color1, #388e3c)" aria-hidden="true">●</span>');
    expect(html).not.toMatch(/<b style="color:[^"]*">COMPLETED<\/b>/);
  });
});
