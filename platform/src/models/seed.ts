import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelCardFile, parseOrThrow } from '@genesis-lab/contract';
import type { ModelService } from './service';
import type { PublishedModel } from './registry';

/** Example models shipped with the platform: platform/seed/models/<name>/{model.onnx, card.json, train.py}. */
export const MODEL_EXAMPLES_DIR = path.resolve(__dirname, '../../seed/models');

/** The example ids, by directory name. */
const IDS: Record<string, string> = { 'co2-trend': 'climate/co2-trend' };

export interface SeededModel {
  id: string;
  published: PublishedModel;
  license: string;
}

/**
 * Register the example models (after the example datasets, which their cards cite). Idempotent:
 * each card pins its version, and the same weights under the same version are a no-op.
 */
export async function seedModels(models: ModelService, dir = MODEL_EXAMPLES_DIR): Promise<SeededModel[]> {
  const out: SeededModel[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const id = IDS[name];
    if (!id) continue;
    const card = parseOrThrow(
      ModelCardFile,
      JSON.parse(fs.readFileSync(path.join(dir, name, 'card.json'), 'utf8')),
      `${name}/card.json`
    );
    const published = await models.registry.publishFile(id, path.join(dir, name, 'model.onnx'), card);
    out.push({ id, published, license: card.license });
  }
  return out;
}
