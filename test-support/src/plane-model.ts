import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelCardFile, type ModelCardFileInput, type ModelSignatureInput } from '@genesis-lab/contract';
import { VENV } from './jupyter';
import { REPO_ROOT, authedFetch } from './platform-process';

/**
 * The small model the OIP tests and bench:oip serve: a seeded scikit-learn Ridge fit of a plane
 * (platform/test/models/support/train_oip_model.py), saved as joblib (for MLServer) and ONNX (for
 * the platform), so every server answers for the same coefficients.
 */
export const PLANE_TRAINER = path.join(REPO_ROOT, 'platform/test/models/support/train_oip_model.py');

export interface PlaneModel {
  dir: string;
  joblibPath: string;
  onnxPath: string;
  /** scikit-learn's own predictions for the rows asked for. */
  predicted: number[];
}

/** Train (seed 7 unless told) into `dir`; `rows` are [x0, x1] pairs scikit-learn predicts for reference. */
export function trainPlaneModel(dir: string, rows: readonly (readonly [number, number])[] = [], seed = 7): PlaneModel {
  const out = execFileSync(path.join(VENV, 'bin', 'python'), [PLANE_TRAINER, dir, String(seed), JSON.stringify(rows)], {
    encoding: 'utf8',
    env: { ...process.env, HOME: dir }
  });
  const line = JSON.parse(out.trim().split('\n').pop()!) as { predicted: number[] };
  return {
    dir,
    joblibPath: path.join(dir, 'model.joblib'),
    onnxPath: path.join(dir, 'model.onnx'),
    predicted: line.predicted
  };
}

/** The plane's signature: columns x0, x1 feed tensor "x" ([rows, 2]); column z is tensor `output`. */
export function planeSignature(output = 'variable'): ModelSignatureInput {
  return {
    inputs: [
      { name: 'x0', type: 'float64', tensor: 'x', index: 0 },
      { name: 'x1', type: 'float64', tensor: 'x', index: 1 }
    ],
    outputs: [{ name: 'z', type: 'float64', tensor: output }]
  };
}

/** The card file of the plane (what `genesis models register --card` reads). */
export function planeCardFile(extra: Partial<ModelCardFileInput> = {}): ModelCardFileInput {
  return {
    title: 'Plane (OIP tests)',
    description: 'A seeded Ridge fit of z = 1.5 x0 - 0.25 x1 + 3 with noise; for the OIP tests and benchmark only',
    license: 'CC0-1.0',
    card: {
      modelType: 'ridge regression (scikit-learn)',
      intendedUse: { primaryUses: ['testing the Open Inference Protocol paths'], outOfScope: ['anything else'] }
    },
    signature: planeSignature(),
    ...extra
  };
}

/** Publish the plane's ONNX file in a running platform over its HTTP API (upload, then publish). */
export async function publishPlaneModel(
  platform: { url: string; token: string },
  model: PlaneModel,
  id = 'test/plane',
  card: ModelCardFileInput = planeCardFile()
): Promise<{ version: string }> {
  const up = await authedFetch(platform, '/api/models/uploads', {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: fs.readFileSync(model.onnxPath)
  });
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
  const { sha256 } = (await up.json()) as { sha256: string };
  const pub = await authedFetch(platform, `/api/models/${id}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ModelCardFile.parse(card), weightsSha256: sha256 })
  });
  if (pub.status !== 201 && pub.status !== 200) throw new Error(`publish: ${pub.status} ${await pub.text()}`);
  return (await pub.json()) as { version: string };
}
