import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import {
  ARROW_FILE_MEDIA_TYPE,
  CRATE_PROV_FILE,
  CRATE_RUN_FILE,
  PROCESS_RUN_CRATE_PROFILE,
  RO_CRATE_VERSION,
  canonicalJson,
  pinsFromLineage,
  type CellExecution,
  type CrateRunRecord,
  type Notebook,
  type Principal,
  type RecordMetadata
} from '@genesis-lab/contract';
import { exportable } from '../access/policy';
import type { CatalogService } from '../catalog/service';
import { rebuildNotebook, withRunProvenance } from './notebook-rebuild';
import { toProvJson } from './prov-json';
import type { ProvenanceView } from './provenance-view';
import type { ProvenanceStore } from './store';

export interface CrateExportOptions {
  /** Pinned dataset data is included while the versions' bytes sum to at most this. */
  maxDataBytes: number;
  /** Who exports: only data they may read goes in. */
  principal: Principal;
  /** The notebook as the client holds it; rebuilt from the record when absent. */
  notebook?: unknown;
  notebookName?: string;
  /** Platform URL, written to metadata.genesis.platform (informative). */
  platform?: string;
  /** What the exporter may see: hidden datasets, models and jobs are left out of the PROV graph and the recorded lineage. */
  view?: Pick<ProvenanceView, 'graph' | 'capture'>;
}

const CONTEXT = [
  `https://w3id.org/ro/crate/${RO_CRATE_VERSION}/context`,
  { sha256: 'https://w3id.org/ro/terms/workflow-run#sha256' }
];

/** Process Run Crate 0.5 wants xsd:dateTime with a numeric offset and exactly 3 fraction digits. */
function crateTime(t: string): string {
  return new Date(t).toISOString().replace('Z', '+00:00');
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');

/**
 * The environment beyond the kernel, on each CreateAction: the kernel-helper version and the
 * project's lockfile digest (`none` when capture found none; left out when it did not look).
 * Schema.org has no terms for them, so they are PropertyValue entities (flattened, one per
 * distinct value, as RO-Crate wants) that the actions name in `additionalProperty`.
 */
function environmentProperties(
  env: CellExecution['environment'],
  entities: Map<string, Record<string, unknown>>
): Record<string, unknown> {
  const refs: { '@id': string }[] = [];
  const property = (name: string, value: string) => {
    const id = `#${name.replace(':', '-')}-${encodeURIComponent(value)}`;
    entities.set(id, { '@id': id, '@type': 'PropertyValue', name, value });
    refs.push({ '@id': id });
  };
  if (env.helperVersion !== undefined) property('genesis:helperVersion', env.helperVersion ?? 'none');
  if (env.lockfileSha256 !== undefined) property('genesis:lockfileSha256', env.lockfileSha256 ?? 'none');
  if (env.lockfile) property('genesis:lockfile', env.lockfile);
  return refs.length ? { additionalProperty: unpack(refs) } : {};
}

/** Where a kernel is described (the instrument of each action needs an absolute URI). */
function kernelUri(name: string): string {
  if (name === 'tslab') return 'https://www.npmjs.com/package/tslab';
  if (name === 'deno') return 'https://docs.deno.com/runtime/reference/cli/jupyter/';
  return `urn:genesis-lab:kernel:${encodeURIComponent(name)}`;
}

function codeExtension(language: string | undefined): string {
  if (!language) return '.txt';
  const l = language.toLowerCase();
  return l === 'typescript' ? '.ts' : l === 'javascript' ? '.js' : l === 'python' ? '.py' : '.txt';
}

/** Entries smaller than this are stored, not deflated. */
const DEFLATE_MIN_BYTES = 16 * 1024;

interface CrateFile {
  path: string;
  bytes: Uint8Array;
  entity: Record<string, unknown>;
}

/**
 * A run as an RO-Crate 1.1 zip conforming to Process Run Crate 0.5: one CreateAction per cell
 * execution (instrument: the kernel; object: the cell's code file and the dataset versions it
 * used; result: its output files), the notebook with metadata.genesis, the run's PROV-JSON and
 * run.json (what an import records), and the data of pinned versions under the size bound.
 * Every file entity carries its sha256. Files sit at the zip root (the validator needs that).
 */
export function exportRunCrate(
  store: ProvenanceStore,
  catalog: CatalogService | undefined,
  runId: string,
  opts: CrateExportOptions
): Uint8Array {
  const detail = store.getRun(runId);
  const view = opts.view;
  const executions: CellExecution[] = store.capturedExecutions(runId).map((e) => (view ? view.capture(e) : e));
  // The pins as the exporter may see them (a hidden dataset is neither listed nor carried).
  const pins = view ? pinsFromLineage(executions.flatMap((e) => e.lineage)) : detail.pins;
  const notebook: Notebook =
    opts.notebook !== undefined
      ? withRunProvenance(opts.notebook, executions, opts.platform)
      : rebuildNotebook(executions, opts.platform);
  const notebookName = opts.notebookName ?? (path.posix.basename(detail.run.notebook.path) || 'notebook.ipynb');
  const files: CrateFile[] = [];
  const paths = new Set<string>();
  const add = (p: string, bytes: Uint8Array, entity: Record<string, unknown>) => {
    if (paths.has(p)) return;
    paths.add(p);
    files.push({
      path: p,
      bytes,
      entity: { '@id': p, '@type': 'File', ...entity, sha256: sha256(bytes), contentSize: bytes.byteLength }
    });
  };

  add(notebookName, json(notebook), {
    name: `Notebook ${detail.run.notebook.path}`,
    encodingFormat: 'application/x-ipynb+json',
    description: 'The notebook, with metadata.genesis naming its run and the dataset versions it pinned'
  });

  const kernel = detail.run.kernel;
  const instrument = {
    '@id': kernelUri(kernel.name),
    '@type': 'SoftwareApplication',
    name: kernel.displayName ?? kernel.name,
    url: kernelUri(kernel.name),
    softwareVersion: kernel.version ?? 'unknown'
  };
  const users = new Map<string, Record<string, unknown>>();
  const userId = (u: string) => {
    const id = `#user-${encodeURIComponent(u)}`;
    users.set(id, { '@id': id, '@type': 'Person', name: u });
    return id;
  };

  // Dataset versions the run used: data while under the bound, else a described reference.
  const datasets: CrateRunRecord['datasets'] = [];
  const datasetEntity = new Map<string, string>();
  const contextual: Record<string, unknown>[] = [];
  let dataBytes = 0;
  for (const [id, pin] of Object.entries(pins.datasets)) {
    const all = new Map<string, string>();
    for (const e of executions)
      for (const r of e.lineage) if (r.kind === 'dataset' && r.id === id) all.set(r.version, r.sha256);
    for (const [version, digest] of all) {
      const key = `${id}@${version}`;
      const resolved = catalog ? tryResolve(catalog, id, version, opts.principal) : undefined;
      // Export-controlled data never leaves the platform in a crate, whoever exports it.
      const mayLeave = resolved !== undefined && exportable(resolved.record.accessLevel);
      const metadata: RecordMetadata | undefined = resolved ? recordMetadata(resolved.record) : undefined;
      const size = resolved?.version.sizeBytes ?? 0;
      const fileName = `datasets/${id}/${version}.arrow`;
      let included = false;
      if (resolved && mayLeave && resolved.version.sha256 === digest && dataBytes + size <= opts.maxDataBytes) {
        const bytes = fs.readFileSync(resolved.objectPath);
        add(fileName, bytes, {
          name: `${key}`,
          identifier: key,
          encodingFormat: ARROW_FILE_MEDIA_TYPE,
          version,
          description: `Dataset ${id}, version ${version}${version === pin.version ? ' (pinned)' : ''}, as the run read it`
        });
        dataBytes += size;
        included = true;
        datasetEntity.set(key, fileName);
      } else {
        const ref = `#dataset-${encodeURIComponent(key)}`;
        contextual.push({
          '@id': ref,
          '@type': 'CreativeWork',
          name: key,
          identifier: key,
          version,
          sha256: digest,
          description: !resolved
            ? 'Not included: not on the exporting platform'
            : !mayLeave
              ? 'Not included: export-controlled data never leaves the platform in a crate'
              : `Not included: over the crate's data bound (${opts.maxDataBytes} bytes)`
        });
        datasetEntity.set(key, ref);
      }
      if (metadata)
        datasets.push({
          id,
          version,
          sha256: digest,
          sizeBytes: size,
          ...(included ? { file: fileName } : {}),
          metadata
        });
    }
  }

  const actions: Record<string, unknown>[] = [];
  const environment = new Map<string, Record<string, unknown>>();
  for (const e of executions) {
    const code = `cells/${e.codeSha256}${codeExtension(kernel.language)}`;
    add(code, new TextEncoder().encode(e.code), {
      name: `Code of cell ${e.cellId}`,
      encodingFormat: 'text/plain',
      programmingLanguage: kernel.language ?? 'unknown'
    });
    const results: { '@id': string }[] = [];
    for (const o of e.outputs) {
      if (!o.content) continue;
      const p = `outputs/${o.sha256}.json`;
      add(p, new TextEncoder().encode(canonicalJson(o.content)), {
        name: `Output ${o.outputType} of cell ${e.cellId}`,
        encodingFormat: 'application/json',
        description: 'A normalised cell output (outputDigest of @genesis-lab/contract is its sha256)'
      });
      results.push({ '@id': p });
    }
    const used = e.lineage.flatMap((r) =>
      r.kind === 'dataset' ? [{ '@id': datasetEntity.get(`${r.id}@${r.version}`)! }] : []
    );
    actions.push({
      '@id': `#execution-${e.executionId}`,
      '@type': 'CreateAction',
      name: `Execution of cell ${e.cellId}${e.executionCount !== null ? ` [${e.executionCount}]` : ''}`,
      description: `Cell ${e.cellIndex + 1} of ${detail.run.notebook.path}, run ${e.runId}`,
      instrument: { '@id': instrument['@id'] },
      object: unpack([{ '@id': code }, ...dedupe(used)]),
      result: unpack(results),
      agent: { '@id': userId(e.user) },
      startTime: crateTime(e.startedAt),
      endTime: crateTime(e.endedAt),
      actionStatus: e.success ? 'http://schema.org/CompletedActionStatus' : 'http://schema.org/FailedActionStatus',
      ...(e.success ? {} : { error: e.error ?? 'The cell failed' }),
      ...environmentProperties(e.environment, environment)
    });
  }

  const graph = view ? view.graph(store.runGraph(runId)) : store.runGraph(runId);
  add(CRATE_PROV_FILE, json(toProvJson(graph)), {
    name: 'The run as W3C PROV-JSON',
    encodingFormat: 'application/json',
    conformsTo: { '@id': 'https://www.w3.org/submissions/prov-json/' }
  });
  const generations: CrateRunRecord['generations'] = [];
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const n of graph.nodes) {
    if (n.kind !== 'datasetVersion') continue;
    for (const edge of graph.edges) {
      const job = nodes.get(edge.to);
      if (edge.relation !== 'wasGeneratedBy' || edge.from !== n.id || job?.kind !== 'job') continue;
      const used = graph.edges.flatMap((u) => {
        const d = u.relation === 'used' && u.from === job.id ? nodes.get(u.to) : undefined;
        return d?.kind === 'datasetVersion' ? [{ id: d.datasetId, version: d.version, sha256: d.sha256 }] : [];
      });
      generations.push({
        dataset: { id: n.datasetId, version: n.version },
        jobId: job.jobId,
        sha256: n.sha256,
        job: { facility: job.facility, name: job.name, state: job.state, used }
      });
    }
  }
  const runRecord: CrateRunRecord = {
    schemaVersion: 1,
    runId,
    notebook: notebookName,
    executions,
    datasets,
    generations,
    reproductions: detail.reproductions.map((r) => store.getReproduction(r.reproductionId))
  };
  add(CRATE_RUN_FILE, json(runRecord), {
    name: 'The run as Genesis Lab recorded it (what an import records)',
    encodingFormat: 'application/json'
  });

  const now = crateTime(new Date().toISOString());
  const metadata = {
    '@context': CONTEXT,
    '@graph': [
      {
        '@id': 'ro-crate-metadata.json',
        '@type': 'CreativeWork',
        conformsTo: { '@id': `https://w3id.org/ro/crate/${RO_CRATE_VERSION}` },
        about: { '@id': './' }
      },
      {
        '@id': './',
        '@type': 'Dataset',
        name: `Run of ${detail.run.notebook.path}`,
        description: `Genesis Lab run ${runId} of ${detail.run.notebook.path}: ${executions.length} cell executions by ${detail.run.user} in ${instrument.name}, with their code, outputs and the dataset versions they used.`,
        datePublished: now,
        license: { '@id': '#license' },
        conformsTo: { '@id': PROCESS_RUN_CRATE_PROFILE },
        author: unpack([...new Set(executions.map((e) => userId(e.user)))].map((id) => ({ '@id': id }))),
        hasPart: files.map((f) => ({ '@id': f.path })),
        mentions: actions.map((a) => ({ '@id': a['@id'] }))
      },
      { '@id': PROCESS_RUN_CRATE_PROFILE, '@type': 'CreativeWork', name: 'Process Run Crate', version: '0.5' },
      {
        '@id': '#license',
        '@type': 'CreativeWork',
        name: 'Licence not stated',
        description:
          "The exporter stated no licence for the notebook and its outputs; each dataset's licence is in its catalog record (provenance/run.json)"
      },
      instrument,
      ...users.values(),
      ...files.map((f) => f.entity),
      ...contextual,
      ...environment.values(),
      ...actions
    ]
  };
  const zip: Zippable = { 'ro-crate-metadata.json': json(metadata) };
  // Deflate pays only for large text: Arrow files are dense already, and fflate spends about
  // 0.4 ms setting up each small entry (a 500-cell run has ~1,000 of them: code and outputs).
  for (const f of files)
    zip[f.path] =
      !f.path.endsWith('.arrow') && f.bytes.byteLength >= DEFLATE_MIN_BYTES ? f.bytes : [f.bytes, { level: 0 }];
  return zipSync(zip, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}

/** RO-Crate 1.1 recommends single values over one-element arrays. */
function unpack<T>(items: T[]): T | T[] {
  return items.length === 1 ? items[0]! : items;
}

function dedupe(ids: { '@id': string }[]): { '@id': string }[] {
  return [...new Map(ids.map((i) => [i['@id'], i])).values()];
}

/** The version's data if the exporting user may read it (the policy decides, as for any read). */
function tryResolve(catalog: CatalogService, id: string, version: string, principal: Principal) {
  try {
    return catalog.resolve(id, version, principal);
  } catch {
    return undefined;
  }
}

function recordMetadata(record: ReturnType<CatalogService['getRecord']>): RecordMetadata {
  const {
    kind: _k,
    id: _i,
    fields,
    versions: _v,
    latestVersion: _l,
    formats: _f,
    createdAt: _c,
    updatedAt: _u,
    ...meta
  } = record;
  const fieldInfo: RecordMetadata['fieldInfo'] = {};
  for (const f of fields)
    if (f.unit !== undefined || f.description !== undefined)
      fieldInfo[f.name] = {
        ...(f.unit !== undefined ? { unit: f.unit } : {}),
        ...(f.description !== undefined ? { description: f.description } : {})
      };
  return { ...meta, fieldInfo };
}
