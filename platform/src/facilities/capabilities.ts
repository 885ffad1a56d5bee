import {
  parseDurationSeconds,
  parseMemoryBytes,
  type ErrorIssue,
  type FacilityCapabilities,
  type JobSpec,
  formatBytes
} from '@genesis-lab/contract';

/** The shape of a request per node, derived the way PSI/J does from the spec's resources. */
export interface Footprint {
  nodes: number;
  processes: number;
  processesPerNode: number;
  cpusPerProcess: number;
  cpusPerNode: number;
  gpusPerNode: number;
  memoryBytes: number | undefined;
  durationSeconds: number | undefined;
}

export function footprintOf(spec: JobSpec): Footprint {
  const r = spec.resources;
  const nodes = r.nodeCount ?? 1;
  const processesPerNode = r.processesPerNode ?? Math.ceil((r.processCount ?? nodes) / nodes);
  const processes = r.processCount ?? processesPerNode * nodes;
  const cpusPerProcess = r.cpuCoresPerProcess ?? 1;
  return {
    nodes,
    processes,
    processesPerNode,
    cpusPerProcess,
    cpusPerNode: processesPerNode * cpusPerProcess,
    gpusPerNode: processesPerNode * (r.gpuCoresPerProcess ?? 0),
    memoryBytes: r.memory === undefined ? undefined : parseMemoryBytes(r.memory),
    durationSeconds: spec.attributes.duration === undefined ? undefined : parseDurationSeconds(spec.attributes.duration)
  };
}

/**
 * What a facility with these capabilities cannot honour in the spec: each issue names the
 * spec field (as `body.<path>`) and the limit, so the refusal happens before submission.
 */
export function checkCapabilities(spec: JobSpec, caps: FacilityCapabilities, facility: string): ErrorIssue[] {
  const f = footprintOf(spec);
  const issues: ErrorIssue[] = [];
  const r = spec.resources;
  if (r.processCount !== undefined && r.processesPerNode !== undefined && r.processCount > f.processesPerNode * f.nodes)
    issues.push({
      path: 'body.resources.processCount',
      message: `${r.processCount} processes do not fit ${f.nodes} node(s) x ${r.processesPerNode} processes per node`
    });
  if (caps.maxNodes !== null && f.nodes > caps.maxNodes)
    issues.push({
      path: 'body.resources.nodeCount',
      message: `asks for ${f.nodes} nodes; facility "${facility}" has at most ${caps.maxNodes}`
    });
  if (caps.maxCpusPerNode !== null && f.cpusPerNode > caps.maxCpusPerNode)
    issues.push({
      path:
        r.cpuCoresPerProcess !== undefined ? 'body.resources.cpuCoresPerProcess' : 'body.resources.processesPerNode',
      message: `asks for ${f.cpusPerNode} CPU cores per node (${f.processesPerNode} processes x ${f.cpusPerProcess} cores); facility "${facility}" has at most ${caps.maxCpusPerNode}`
    });
  if (f.gpusPerNode > 0 && f.gpusPerNode > (caps.maxGpusPerNode ?? 0))
    issues.push({
      path: 'body.resources.gpuCoresPerProcess',
      message: `asks for ${f.gpusPerNode} GPUs per node; facility "${facility}" has ${caps.maxGpusPerNode ?? 0}`
    });
  if (caps.maxMemoryBytes !== null && f.memoryBytes !== undefined && f.memoryBytes > caps.maxMemoryBytes)
    issues.push({
      path: 'body.resources.memory',
      message: `asks for ${formatBytes(f.memoryBytes)} per node; facility "${facility}" has at most ${formatBytes(caps.maxMemoryBytes)}`
    });
  if (
    caps.maxDurationSeconds !== null &&
    f.durationSeconds !== undefined &&
    f.durationSeconds > caps.maxDurationSeconds
  )
    issues.push({
      path: 'body.attributes.duration',
      message: `asks for ${f.durationSeconds} s; the limit on facility "${facility}" is ${caps.maxDurationSeconds} s`
    });
  const q = spec.attributes.queue;
  if (q !== undefined && !caps.queues.includes(q))
    issues.push({
      path: 'body.attributes.queue',
      message: caps.queues.length
        ? `unknown queue "${q}" on facility "${facility}"; it has: ${caps.queues.join(', ')}`
        : `facility "${facility}" has no queues; leave attributes.queue out`
    });
  for (const key of Object.keys(spec.attributes.custom)) {
    if (!caps.customAttributes.includes(key))
      issues.push({
        path: `body.attributes.custom.${key}`,
        message: caps.customAttributes.length
          ? `facility "${facility}" does not understand "${key}"; it knows: ${caps.customAttributes.join(', ')}`
          : `facility "${facility}" takes no custom attributes`
      });
  }
  return issues;
}
