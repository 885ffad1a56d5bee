import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VENV, tempDir } from './jupyter';
import { freePort, isAlive } from './processes';
import { sleep } from './wait';

/** A tensor MLServer declares in its model metadata (without a declaration its metadata is empty). */
export interface MlserverTensor {
  name: string;
  datatype: string;
  shape: number[];
}

export interface MlserverModel {
  /** The name MLServer serves it as (`/v2/models/<name>`). */
  name: string;
  /** A scikit-learn model saved with joblib. */
  joblibPath: string;
  inputs: MlserverTensor[];
  outputs: MlserverTensor[];
  version?: string;
}

export interface MlserverProcess {
  /** `http://127.0.0.1:<port>`: the OIP v2 REST base. */
  url: string;
  port: number;
  dir: string;
  proc: ChildProcess;
  log(): string;
  /** SIGTERM (MLServer stops cleanly in 2-3 s), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

const MLSERVER = (venv: string) => path.join(venv, 'bin', 'mlserver');

/** Is a real MLServer with its scikit-learn runtime installed (requirements-test.txt, `scripts/setup --test`)? */
export function mlserverInstalled(venv = VENV): { ok: boolean; why: string } {
  if (!fs.existsSync(MLSERVER(venv)))
    return { ok: false, why: `no ${MLSERVER(venv)}: run \`bash scripts/setup --test\` (requirements-test.txt)` };
  const r = spawnSync(path.join(venv, 'bin', 'python'), ['-c', 'import mlserver_sklearn, sklearn, joblib'], {
    encoding: 'utf8',
    timeout: 60000
  });
  if (r.status !== 0)
    return { ok: false, why: `mlserver-sklearn does not import: ${(r.stderr || '').trim().split('\n').pop()}` };
  return { ok: true, why: 'mlserver and mlserver-sklearn import' };
}

/**
 * Start a real MLServer (Seldon's OIP v2 server) on free loopback ports serving scikit-learn
 * joblib models, and wait until every model answers ready. `parallel_workers: 0` runs the model
 * in the server process: with the uvloop a fresh resolver picks, MLServer's workers never load a
 * model (../shared notes); requirements-test.txt also pins uvloop 0.21.0.
 */
export async function startMlserver(
  models: readonly MlserverModel[],
  opts: { venv?: string; timeoutMs?: number } = {}
): Promise<MlserverProcess> {
  const venv = opts.venv ?? VENV;
  const dir = tempDir('genesis-mlserver-');
  const [port, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  fs.writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      host: '127.0.0.1',
      http_port: port,
      grpc_port: grpcPort,
      metrics_port: metricsPort,
      parallel_workers: 0,
      debug: false
    })
  );
  for (const m of models) {
    const mdir = path.join(dir, m.name);
    fs.mkdirSync(mdir);
    fs.copyFileSync(m.joblibPath, path.join(mdir, 'model.joblib'));
    fs.writeFileSync(
      path.join(mdir, 'model-settings.json'),
      JSON.stringify({
        name: m.name,
        implementation: 'mlserver_sklearn.SKLearnModel',
        inputs: m.inputs,
        outputs: m.outputs,
        parameters: { uri: './model.joblib', ...(m.version ? { version: m.version } : {}) }
      })
    );
  }
  let output = '';
  const proc = spawn(MLSERVER(venv), ['start', dir], {
    cwd: dir,
    env: { ...process.env, HOME: dir, PATH: `${path.join(venv, 'bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-200_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const server: MlserverProcess = {
    url,
    port,
    dir,
    proc,
    log: () => output,
    async stop() {
      if (proc.exitCode !== null || !isAlive(proc.pid!)) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(killer);
    }
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 90000);
  for (const m of models) {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`MLServer exited (${proc.exitCode}) before serving:\n${output}`);
      const ready = await fetch(`${url}/v2/models/${m.name}/ready`).then(
        (r) => r.status === 200,
        () => false
      );
      if (ready) break;
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`MLServer did not serve "${m.name}" in time:\n${output}`);
      }
      await sleep(200);
    }
  }
  return server;
}
