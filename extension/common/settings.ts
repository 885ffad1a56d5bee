import type { LAB_SETTINGS, LabSettingsName } from '@genesis-lab/contract';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal, type ISignal } from '@lumino/signaling';
import type { z } from 'zod';

/** The values of one plugin's settings, as `contract/src/lab-settings.ts` declares them. */
export type SettingsOf<N extends LabSettingsName> = z.output<(typeof LAB_SETTINGS)[N]>;

/** One plugin's settings, current, with a signal when the user changes them. */
export interface ILabSettings<T> {
  readonly current: T;
  readonly changed: ISignal<ILabSettings<T>, T>;
}

class LabSettings<T> implements ILabSettings<T> {
  constructor(private _current: T) {}
  get current(): T {
    return this._current;
  }
  get changed(): ISignal<this, T> {
    return this._changed;
  }
  set(next: T): void {
    this._current = next;
    this._changed.emit(next);
  }
  private _changed = new Signal<this, T>(this);
}

/**
 * Load the settings of plugin `genesis-lab:<name>` from the settings registry. Its composite
 * holds the user's values over the schema's defaults, already validated against
 * `schema/<name>.json` (generated from the contract's schema): nothing is merged here. Without
 * a registry (or if it fails) the defaults come from the contract's schema itself, loaded then.
 */
export async function loadLabSettings<N extends LabSettingsName>(
  registry: ISettingRegistry | null,
  name: N
): Promise<ILabSettings<SettingsOf<N>>> {
  if (registry) {
    try {
      const loaded = await registry.load(`genesis-lab:${name}`);
      const settings = new LabSettings(loaded.composite as unknown as SettingsOf<N>);
      loaded.changed.connect(() => settings.set(loaded.composite as unknown as SettingsOf<N>));
      return settings;
    } catch (err) {
      console.warn(`Genesis: could not load the ${name} settings; using their defaults`, err);
    }
  }
  const { LAB_SETTINGS: schemas } = await import('@genesis-lab/contract');
  return new LabSettings(schemas[name].parse({}) as SettingsOf<N>);
}
