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

/** GPUs in a Gres string such as "gpu:a100:4(S:0-1)". */
function gpusOf(gres: string | undefined): number {
  const gpu = /gpu(?::[^:,()]+)?:(\d+)/.exec(gres ?? '');
  return gpu ? Number(gpu[1]) : 0;
}

export function parseNodes(text: string): NodeInfo[] {
  return parseScontrolRecords(text).map((r) => ({
    name: r.NodeName ?? '',
    cpus: Number(r.CPUTot ?? 0),
    memoryMb: Number(r.RealMemory ?? 0),
    gpus: gpusOf(r.Gres),
    state: r.State ?? 'UNKNOWN'
  }));
}

/** A slurmrestd number: plain (v0.0.38, -1 = unlimited) or `{set, infinite, number}` (v0.0.40+). */
function restLimit(v: unknown): number | null {
  if (typeof v === 'number') return v < 0 ? null : v;
  if (v && typeof v === 'object') {
    const o = v as { set?: boolean; infinite?: boolean; number?: number };
    return o.set === false || o.infinite || typeof o.number !== 'number' ? null : o.number;
  }
  return null;
}

/** `GET /slurm/vX/partitions`: the same facts `scontrol show partition` gives. */
export function partitionsFromRest(doc: { partitions?: Array<Record<string, unknown>> }): PartitionInfo[] {
  return (doc.partitions ?? []).map((p) => {
    const flags = Array.isArray(p.flags) ? p.flags.map(String) : [];
    const state = typeof p.state === 'string' ? p.state : String((p.partition as { state?: unknown })?.state ?? '');
    const maxTime = restLimit(p.max_time_limit);
    return {
      name: String(p.name ?? ''),
      isDefault: flags.some((f) => f.toLowerCase() === 'default'),
      up: /\bUP\b/i.test(state),
      // Slurm's time limits are minutes.
      maxTimeSeconds: maxTime === null ? null : maxTime * 60,
      maxNodes: restLimit(p.maximum_nodes_per_job),
      totalNodes: Number(p.total_nodes ?? 0),
      nodes: String(p.nodes ?? '')
    };
  });
}

/** `GET /slurm/vX/nodes`: the same facts `scontrol show node` gives. */
export function nodesFromRest(doc: { nodes?: Array<Record<string, unknown>> }): NodeInfo[] {
  return (doc.nodes ?? []).map((n) => ({
    name: String(n.name ?? ''),
    cpus: Number(n.cpus ?? 0),
    memoryMb: Number(n.real_memory ?? 0),
    gpus: gpusOf(typeof n.gres === 'string' ? n.gres : undefined),
    state: (Array.isArray(n.state) ? n.state.join('+') : String(n.state ?? 'UNKNOWN')).toUpperCase()
  }));
}
