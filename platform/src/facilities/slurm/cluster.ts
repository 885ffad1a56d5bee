import { parseDurationSeconds } from '@genesis-lab/contract';

/** `Key=Value Key2=Value2` records, one per line, as `scontrol -o show ...` prints them. */
export function parseScontrolRecords(text: string): Array<Record<string, string>> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const rec: Record<string, string> = {};
      // Values may hold spaces only in a few fields (e.g. Reason=...); those are not used here.
      for (const m of line.matchAll(/(\S+?)=(\S*)/g)) rec[m[1]!] = m[2]!;
      return rec;
    });
}

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  up: boolean;
  maxTimeSeconds: number | null;
  maxNodes: number | null;
  totalNodes: number;
  nodes: string;
}

export interface NodeInfo {
  name: string;
  cpus: number;
  memoryMb: number;
  gpus: number;
  state: string;
}

function limit(v: string | undefined): number | null {
  if (!v || v === 'UNLIMITED' || v === 'INFINITE' || v === 'NONE') return null;
  // Slurm's plain numbers in MaxTime are minutes.
  if (/^\d+$/.test(v)) return Number(v) * 60;
  return parseDurationSeconds(v) ?? null;
}

export function parsePartitions(text: string): PartitionInfo[] {
  return parseScontrolRecords(text).map((r) => ({
    name: r.PartitionName ?? '',
    isDefault: r.Default === 'YES',
    up: r.State === 'UP',
    maxTimeSeconds: limit(r.MaxTime),
    maxNodes: r.MaxNodes && /^\d+$/.test(r.MaxNodes) ? Number(r.MaxNodes) : null,
    totalNodes: Number(r.TotalNodes ?? 0),
    nodes: r.Nodes ?? ''
  }));
}

export function parseNodes(text: string): NodeInfo[] {
  return parseScontrolRecords(text).map((r) => {
    const gres = r.Gres ?? '';
    const gpu = /gpu(?::[^:,()]+)?:(\d+)/.exec(gres);
    return {
      name: r.NodeName ?? '',
      cpus: Number(r.CPUTot ?? 0),
      memoryMb: Number(r.RealMemory ?? 0),
      gpus: gpu ? Number(gpu[1]) : 0,
      state: r.State ?? 'UNKNOWN'
    };
  });
}
