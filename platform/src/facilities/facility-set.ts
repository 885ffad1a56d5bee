import { closest, GenesisError, type FacilityConfig } from '@genesis-lab/contract';
import type { LoadedFacilities } from './config';
import type { FacilityConnector } from './connector';

/** What re-reading the configuration changed. */
export interface FacilityReload {
  /** Connectors for facilities that appeared: not in the set until started and `admit`ted. */
  added: FacilityConnector[];
  /** What changed but needs a restart, or why the configuration could not be read. */
  notes: string[];
}

/**
 * The facilities a platform runs: one connector per configured facility, and the configuration
 * they came from, read again on every re-probe. A facility that appears there (a new entry in
 * the file, Slurm's tools found on PATH) gets a connector; one that changed or went away keeps
 * running as it was until the platform restarts (its jobs are still followed), and says so.
 */
export class FacilitySet {
  private readonly connectors = new Map<string, FacilityConnector>();
  private readonly configs = new Map<string, string>();

  constructor(
    private readonly load: () => LoadedFacilities,
    private readonly create: (config: FacilityConfig) => FacilityConnector,
    initial: LoadedFacilities = load()
  ) {
    this.probeIntervalMs = initial.probeIntervalMs;
    this.source = initial.source;
    for (const config of initial.facilities) this.admit(this.add(config));
  }

  /** How often the service probes them (from the configuration read at start). */
  readonly probeIntervalMs: number;
  /** Where the facilities read at start came from. */
  readonly source: string;

  /** A connector for a configuration read; known from now on, served once admitted. */
  private add(config: FacilityConfig): FacilityConnector {
    this.configs.set(config.name, JSON.stringify(config));
    return this.create(config);
  }

  /** Serve a connector (the service admits one that appeared once it started). */
  admit(connector: FacilityConnector): void {
    this.connectors.set(connector.name, connector);
  }

  /** Forget a facility that appeared but could not start: the next reload tries it again. */
  forget(name: string): void {
    this.connectors.delete(name);
    this.configs.delete(name);
  }

  all(): FacilityConnector[] {
    return [...this.connectors.values()];
  }

  get(name: string): FacilityConnector | undefined {
    return this.connectors.get(name);
  }

  /** The facility, or 404 naming the ones there are. */
  require(name: string): FacilityConnector {
    const c = this.connectors.get(name);
    if (!c)
      throw new GenesisError('not_found', `No facility "${name}"`, {
        suggestions: closest(name, [...this.connectors.keys()]),
        hint: `Facilities here: ${[...this.connectors.keys()].join(', ')} (see GET /api/facilities)`
      });
    return c;
  }

  /** Read the configuration again; never throws (a broken file leaves the running facilities as they are). */
  reload(): FacilityReload {
    let loaded: LoadedFacilities;
    try {
      loaded = this.load();
    } catch (err) {
      return { added: [], notes: [`${(err as Error).message}; the facilities already running stay as they are`] };
    }
    const added: FacilityConnector[] = [];
    const notes: string[] = [];
    for (const config of loaded.facilities) {
      const before = this.configs.get(config.name);
      if (before === undefined) added.push(this.add(config));
      else if (before !== JSON.stringify(config))
        notes.push(`facility "${config.name}" changed in ${loaded.source}; restart the platform to apply it`);
    }
    const named = new Set(loaded.facilities.map((f) => f.name));
    for (const name of this.configs.keys())
      if (!named.has(name))
        notes.push(`facility "${name}" is no longer in ${loaded.source}; it runs on until the platform restarts`);
    return { added, notes };
  }
}
