import type { ProvEdge, ProvGraph, ProvJson, ProvNode, ProvRelation } from '@genesis-lab/contract';

/**
 * PROV-JSON (W3C member submission, as the `prov` reference library reads it) of a graph.
 * Node ids are already `kind:local`; each kind is a declared namespace, so every id is a
 * qualified name (prov rejects undeclared prefixes). Genesis attributes live under `genesis:`.
 */
export const GENESIS_PROV_NAMESPACE = 'https://w3id.org/genesis-lab/prov#';

const PREFIXES: Record<string, string> = {
  genesis: GENESIS_PROV_NAMESPACE,
  execution: 'urn:genesis-lab:execution:',
  source: 'urn:genesis-lab:source:',
  output: 'urn:genesis-lab:output:',
  dataset: 'urn:genesis-lab:dataset:',
  job: 'urn:genesis-lab:job:',
  notebook: 'urn:genesis-lab:notebook:',
  run: 'urn:genesis-lab:run:',
  reproduction: 'urn:genesis-lab:reproduction:',
  user: 'urn:genesis-lab:user:',
  kernel: 'urn:genesis-lab:kernel:'
};

/** The two PROV-JSON keys of each relation's arguments (PROV-DM's names for them). */
const ARGUMENTS: Record<ProvRelation, [string, string]> = {
  used: ['prov:activity', 'prov:entity'],
  wasGeneratedBy: ['prov:entity', 'prov:activity'],
  wasAssociatedWith: ['prov:activity', 'prov:agent'],
  wasAttributedTo: ['prov:entity', 'prov:agent'],
  wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity'],
  wasInformedBy: ['prov:informed', 'prov:informant'],
  wasStartedBy: ['prov:activity', 'prov:starter'],
  actedOnBehalfOf: ['prov:delegate', 'prov:responsible']
};

const qname = (q: string) => ({ $: q, type: 'prov:QUALIFIED_NAME' });
const time = (t: string) => ({ $: t, type: 'xsd:dateTime' });

/** Qualified names need a PROV-N-safe local part: percent-encode what it does not allow. */
export function provId(nodeId: string): string {
  const i = nodeId.indexOf(':');
  const local = nodeId
    .slice(i + 1)
    .replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `${nodeId.slice(0, i)}:${local}`;
}

function attributes(n: ProvNode): Record<string, unknown> {
  const a: Record<string, unknown> = { 'prov:label': n.label, 'genesis:kind': n.kind };
  switch (n.kind) {
    case 'execution':
      Object.assign(a, {
        'prov:startTime': n.startedAt,
        'prov:endTime': n.endedAt,
        'prov:type': qname('genesis:CellExecution'),
        'genesis:cellId': n.cellId,
        'genesis:success': n.success,
        ...(n.executionCount !== null ? { 'genesis:executionCount': n.executionCount } : {}),
        // "none" (null) is said as such: PROV-JSON attribute values are literals.
        ...(n.environment?.helperVersion !== undefined
          ? { 'genesis:helperVersion': n.environment.helperVersion ?? 'none' }
          : {}),
        ...(n.environment?.lockfileSha256 !== undefined
          ? { 'genesis:lockfileSha256': n.environment.lockfileSha256 ?? 'none' }
          : {}),
        ...(n.environment?.lockfile ? { 'genesis:lockfile': n.environment.lockfile } : {})
      });
      break;
    case 'run':
      Object.assign(a, { 'prov:startTime': n.startedAt, 'prov:endTime': n.endedAt, 'prov:type': qname('genesis:Run') });
      break;
    case 'job':
      Object.assign(a, {
        ...(n.startedAt ? { 'prov:startTime': n.startedAt } : {}),
        ...(n.endedAt ? { 'prov:endTime': n.endedAt } : {}),
        'prov:type': qname('genesis:Job'),
        'genesis:jobId': n.jobId,
        'genesis:facility': n.facility,
        'genesis:state': n.state
      });
      break;
    case 'reproduction':
      Object.assign(a, {
        'prov:startTime': n.startedAt,
        ...(n.endedAt ? { 'prov:endTime': n.endedAt } : {}),
        'prov:type': qname('genesis:Reproduction'),
        'genesis:state': n.state,
        'genesis:reproducible': n.reproducible
      });
      break;
    case 'cellSource':
      Object.assign(a, {
        'prov:type': qname('genesis:CellSource'),
        'genesis:sha256': n.sha256,
        'genesis:cellId': n.cellId
      });
      break;
    case 'output':
      Object.assign(a, {
        'prov:type': qname('genesis:Output'),
        'genesis:sha256': n.sha256,
        'genesis:outputType': n.outputType,
        ...(n.mimeTypes.length ? { 'genesis:mimeTypes': n.mimeTypes.join(' ') } : {})
      });
      break;
    case 'datasetVersion':
      Object.assign(a, {
        'prov:type': qname('genesis:DatasetVersion'),
        'genesis:datasetId': n.datasetId,
        'genesis:version': n.version,
        'genesis:sha256': n.sha256
      });
      break;
    case 'notebook':
      Object.assign(a, { 'prov:type': qname('genesis:Notebook'), 'genesis:path': n.path });
      break;
    case 'agent':
      Object.assign(a, {
        'prov:type': qname(n.agentType === 'person' ? 'prov:Person' : 'prov:SoftwareAgent'),
        'genesis:name': n.name,
        ...(n.version ? { 'genesis:version': n.version } : {})
      });
      break;
  }
  return a;
}

function relation(e: ProvEdge): Record<string, unknown> {
  const [a, b] = ARGUMENTS[e.relation];
  return {
    [a]: provId(e.from),
    [b]: provId(e.to),
    ...(e.role ? { 'prov:role': e.role } : {}),
    ...(e.time && (e.relation === 'used' || e.relation === 'wasGeneratedBy' || e.relation === 'wasStartedBy')
      ? { 'prov:time': time(e.time) }
      : {})
  };
}

export function toProvJson(graph: ProvGraph): ProvJson {
  const doc: Record<string, Record<string, Record<string, unknown>>> = { entity: {}, activity: {}, agent: {} };
  for (const n of graph.nodes) doc[n.prov]![provId(n.id)] = attributes(n);
  graph.edges.forEach((e, i) => {
    (doc[e.relation] ??= {})[`_:${e.relation}${i}`] = relation(e);
  });
  return { prefix: { ...PREFIXES }, ...doc } as ProvJson;
}
