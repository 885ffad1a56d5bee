import * as fs from 'node:fs';
import {
  FACILITY_PROBE_INTERVAL_MS,
  FacilitiesFile,
  GenesisError,
  parseOrThrow,
  type FacilityConfig
} from '@genesis-lab/contract';
import { slurmInstalled } from './slurm/connector';

export interface LoadedFacilities {
  facilities: FacilityConfig[];
  /** Where they came from: a file path, or "defaults (...)". */
  source: string;
  /** How often they are probed again and this configuration re-read. */
  probeIntervalMs: number;
}

/**
 * The facilities a platform runs: the file given (`--facilities`), else
 * `$GENESIS_HOME/facilities.json` when it exists, else the defaults: one `local` facility,
 * plus a `slurm` facility when Slurm's client tools are on PATH (its health then tells
 * whether the controller answers). Set GENESIS_SLURM=0 to leave Slurm out of the defaults.
 * Read again at every re-probe, so Slurm tools installed later, or a facility added to the
 * file, appear without a restart.
 */
export function loadFacilities(
  explicitFile: string | undefined,
  homeFile: string,
  env = process.env
): LoadedFacilities {
  const file = explicitFile ?? (fs.existsSync(homeFile) ? homeFile : undefined);
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new GenesisError(
        'validation_failed',
        `Cannot read the facilities file ${file}: ${(err as Error).message}`,
        {
          hint: 'It must be JSON: {"facilities": [{"name": "local", "kind": "local"}, ...]}'
        }
      );
    }
    const parsed = parseOrThrow(FacilitiesFile, raw, `facilities file ${file}`);
    return {
      facilities: parsed.facilities.filter((f) => f.enabled),
      source: file,
      probeIntervalMs: parsed.probeIntervalMs
    };
  }
  const facilities: FacilityConfig[] = [
    parseOrThrow(FacilitiesFile, { facilities: [{ name: 'local', kind: 'local', title: 'This machine' }] }, 'defaults')
      .facilities[0]!
  ];
  const withSlurm = env.GENESIS_SLURM !== '0' && slurmInstalled(undefined, env);
  if (withSlurm)
    facilities.push(
      parseOrThrow(
        FacilitiesFile,
        { facilities: [{ name: 'slurm', kind: 'slurm', title: 'Slurm cluster' }] },
        'defaults'
      ).facilities[0]!
    );
  return {
    facilities,
    source: `defaults (local${withSlurm ? ' + slurm: Slurm tools found on PATH' : ''})`,
    probeIntervalMs: FACILITY_PROBE_INTERVAL_MS
  };
}
