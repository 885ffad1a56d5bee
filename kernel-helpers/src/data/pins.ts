import * as fs from 'node:fs';
import { GenesisError, NotebookPins, PINS_ENV, parseOrThrow, type VersionPin } from '@genesis-lab/contract';
import { presentable } from '@genesis-lab/client';

/**
 * The dataset and model versions a reproduction pinned: the NotebookPins JSON file that GENESIS_PINS names
 * (the headless runner writes it for a reproduction's kernel). Read once, on the first
 * unversioned ref; a missing or malformed file is an error naming it, never a silent "latest".
 */
export class ReproductionPins {
  private pins: NotebookPins | null | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The version an unversioned ref of this dataset resolves to, or undefined (latest). */
  datasetPin(id: string): VersionPin | undefined {
    return this.load()?.datasets[id];
  }

  /** The version an unversioned ref of this model resolves to, or undefined (latest). */
  modelPin(id: string): VersionPin | undefined {
    return this.load()?.models[id];
  }

  /** Whether this kernel runs a reproduction (GENESIS_PINS is set). */
  get active(): boolean {
    return this.load() !== null;
  }

  private load(): NotebookPins | null {
    if (this.pins !== undefined) return this.pins;
    const file = this.env[PINS_ENV];
    if (!file) return (this.pins = null);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw presentable(
        new GenesisError('bad_request', `${PINS_ENV} names ${file}, which cannot be read: ${(err as Error).message}`)
      );
    }
    try {
      this.pins = parseOrThrow(NotebookPins, JSON.parse(text), `${PINS_ENV} file ${file}`);
    } catch (err) {
      const e =
        err instanceof GenesisError
          ? err
          : new GenesisError('bad_request', `${PINS_ENV} file ${file} is not JSON: ${(err as Error).message}`);
      throw presentable(e);
    }
    return this.pins;
  }
}
