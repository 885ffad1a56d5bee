import * as fs from 'node:fs';
import * as path from 'node:path';
import { findKernelSpec, jupyterDataPath } from '@genesis-lab/notebook-runner';
import { tempDir } from './support/kernels';

function spec(
  base: string,
  name: string,
  body: unknown = { argv: ['k', '{connection_file}'], display_name: name }
): void {
  fs.mkdirSync(path.join(base, 'kernels', name), { recursive: true });
  fs.writeFileSync(
    path.join(base, 'kernels', name, 'kernel.json'),
    typeof body === 'string' ? body : JSON.stringify(body)
  );
}

describe('finding a kernelspec as Jupyter does', () => {
  const root = tempDir();
  const [jp, user, venv] = ['jupyter-path', 'home/.local/share/jupyter', 'venv'].map((d) => path.join(root, d));
  const env = { JUPYTER_PATH: jp, JUPYTER_DATA_DIR: user };

  it('searches JUPYTER_PATH, then the environment, then the user, then the system', () => {
    expect(jupyterDataPath({ env, prefixes: [venv!] })).toEqual([
      jp,
      path.join(venv!, 'share/jupyter'),
      user,
      '/usr/local/share/jupyter',
      '/usr/share/jupyter'
    ]);
    // Without an environment the user's folder comes right after JUPYTER_PATH (XDG_DATA_HOME when set).
    expect(jupyterDataPath({ env: { XDG_DATA_HOME: '/x' }, prefixes: [] })[0]).toBe('/x/jupyter');
    expect(jupyterDataPath({ env: { ...env, JUPYTER_PREFER_ENV_PATH: '0' }, prefixes: [venv!] }).slice(0, 3)).toEqual([
      jp,
      user,
      path.join(venv!, 'share/jupyter')
    ]);
  });

  it('takes the first folder that has the name, case-insensitively', () => {
    spec(path.join(venv!, 'share/jupyter'), 'tslab', { argv: ['venv-tslab'], display_name: 'venv' });
    spec(user!, 'tslab', { argv: ['user-tslab'], display_name: 'user' });
    expect(findKernelSpec('TSLab', { env, prefixes: [venv!] })).toMatchObject({ name: 'tslab', argv: ['venv-tslab'] });
    spec(jp!, 'tslab', { argv: ['jp-tslab'], display_name: 'jp', interrupt_mode: 'message' });
    expect(findKernelSpec('tslab', { env, prefixes: [venv!] })).toMatchObject({
      argv: ['jp-tslab'],
      interrupt_mode: 'message',
      resourceDir: path.join(jp!, 'kernels/tslab')
    });
  });

  it('says where it looked and which kernels exist, and names a malformed kernel.json', () => {
    let err: Error & { suggestions?: string[]; hint?: string } = new Error();
    try {
      findKernelSpec('deno', { env, prefixes: [venv!] });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.message).toBe('No Jupyter kernel named "deno"');
    expect(err.suggestions).toEqual(['tslab']);
    expect(err.hint).toContain(path.join(jp!, 'kernels'));
    spec(jp!, 'broken', { display_name: 'no argv' });
    expect(() => findKernelSpec('broken', { env, prefixes: [] })).toThrow(/kernelspec .*broken\/kernel\.json.*argv/);
  });
});
