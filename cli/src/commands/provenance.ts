import * as path from 'node:path';
import type { Command } from 'commander';
import { GenesisClient, type ByteSource } from '@genesis-lab/client';
import {
  CrateExportQuery,
  GenesisError,
  LineageQuery,
  ImpactQuery,
  RunId,
  parseOrThrow,
  parseRef,
  type ImpactAnswer,
  type ProvGraph
} from '@genesis-lab/contract';
import { PlatformApi, readNotebook } from '@genesis-lab/notebook-runner';
import { writeFileAtomic } from '@genesis-lab/platform';
import { readInputFile } from '../input-file';
import { parseCliOptions } from '../options';

/** A streamed body, whole (a crate is bounded by the export's size limit). */
function readAll(source: ByteSource): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    source.start({
      data: (b) => void parts.push(Buffer.from(b)), // copied: the source may reuse its buffer
      end: () => resolve(Buffer.concat(parts)),
      error: reject
    });
  });
}

/** Write to a file (atomically), or to stdout with `-`/no file. */
function emit(data: Buffer | string, file: string | undefined): void {
  if (!file || file === '-') {
    process.stdout.write(data);
    return;
  }
  writeFileAtomic(file, data);
  process.stderr.write(`wrote ${file} (${Buffer.byteLength(data)} bytes)\n`);
}

/** A lineage or impact graph for a terminal: one line per node, then its relations. */
export function formatGraph(g: ProvGraph): string {
  const label = new Map(g.nodes.map((n) => [n.id, n.label]));
  const lines = g.nodes.map((n) => `${g.roots.includes(n.id) ? '*' : ' '} ${n.kind.padEnd(14)} ${n.label}`);
  lines.push('', ...g.edges.map((e) => `  ${e.relation}(${label.get(e.from) ?? e.from}, ${label.get(e.to) ?? e.to})`));
  if (g.truncated) lines.push('', '(truncated: more nodes were reachable; raise --max-nodes)');
  return lines.join('\n') + '\n';
}

export function formatImpact(a: ImpactAnswer): string {
  const lines = [`${a.dataset.id}@${a.dataset.version} (sha256 ${a.dataset.sha256.slice(0, 12)}…)`];
  lines.push(`  runs: ${a.runs.length}`);
  for (const r of a.runs)
    lines.push(
      `    ${r.runId}  ${r.notebook.path}  ${r.user}  ${r.startedAt}  cells ${r.executions.map((e) => `${e.cellId}${e.direct ? '' : '~'}`).join(', ')}`
    );
  lines.push(`  outputs: ${a.outputs.length}`);
  for (const o of a.outputs)
    lines.push(`    ${o.sha256.slice(0, 12)}…  ${o.outputType}  cell ${o.cellId}${o.direct ? '' : ' (indirect)'}`);
  if (a.jobs.length) lines.push(`  jobs: ${a.jobs.map((j) => `${j.jobId} ${j.name} (${j.state})`).join(', ')}`);
  if (a.derived.length)
    lines.push(`  derived: ${a.derived.map((d) => `${d.id}@${d.version} by job ${d.jobId}`).join(', ')}`);
  if (a.truncated) lines.push('  (truncated: raise --max-nodes)');
  return lines.join('\n') + '\n';
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** `genesis provenance export|import|lineage|impact`: a run's PROV graph from the command line. */
export function registerProvenance(program: Command): void {
  const prov = program
    .command('provenance')
    .description('Export a run (RO-Crate zip, PROV-JSON), import a crate, ask for lineage and impact');

  prov
    .command('export')
    .description('Export a run: --crate (RO-Crate 1.1 zip, Process Run Crate 0.5) or --prov (W3C PROV-JSON)')
    .argument('<runId>', 'the run (metadata.genesis.runId of a recorded notebook)')
    .option('--crate', 'an RO-Crate zip (the default)')
    .option('--prov', 'PROV-JSON')
    .option('-o, --output <file>', 'write here (default: stdout)')
    .option(
      '--notebook <file>',
      'the crate holds this .ipynb (markdown cells included) instead of one rebuilt from the record'
    )
    .option('--max-data-bytes <n>', 'include pinned dataset versions while their data stays under this size')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (runId: string, o: Record<string, string | boolean | undefined>) => {
      if (o.crate && o.prov) throw new GenesisError('bad_request', 'Give one of --crate or --prov, not both');
      const id = parseOrThrow(RunId, runId, 'run id');
      const client = new GenesisClient({ home: o.home as string | undefined });
      if (o.prov) return emit(json(await client.call('provJson', { params: { runId: id } })), o.output as string);
      const query = parseCliOptions(CrateExportQuery, { maxDataBytes: o.maxDataBytes }, {});
      if (!o.output && process.stdout.isTTY)
        throw new GenesisError('bad_request', 'A crate is a zip file: give -o FILE.zip (or redirect stdout)');
      const res = o.notebook
        ? await client.stream('exportCrateWithNotebook', {
            params: { runId: id },
            query,
            body: {
              notebook: readNotebook(String(o.notebook)) as unknown as Record<string, unknown>,
              notebookName: path.basename(String(o.notebook))
            }
          })
        : await client.stream('exportCrate', { params: { runId: id }, query });
      emit(await readAll(res.source), o.output as string);
    });

  prov
    .command('import')
    .description('Import an exported crate: its dataset versions (digests checked), then its run')
    .argument('<crate>', 'the .zip')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (crate: string, o: { json?: boolean; home?: string }) => {
      const api = new PlatformApi({ home: o.home });
      const r = await api.importCrate(new Uint8Array(readInputFile(crate, 'crate')));
      if (o.json) return void process.stdout.write(json(r));
      process.stdout.write(
        `imported run ${r.runId} (notebook ${r.notebook}): ${r.executions.created} execution(s) recorded, ${r.executions.duplicates} already here\n` +
          r.datasets.map((d) => `  ${d.id}@${d.version} ${d.status} (sha256 ${d.sha256.slice(0, 12)}…)\n`).join('')
      );
    });

  prov
    .command('lineage')
    .description('What produced this? The PROV graph upstream of an output (--output SHA256) or an execution')
    .option('--output <sha256>', 'an output hash')
    .option('--execution <id>', 'a cell execution id')
    .option('--max-nodes <n>', 'at most this many nodes')
    .option('--json', 'print the graph as JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const query = parseCliOptions(
        LineageQuery,
        { output: o.output, execution: o.execution, maxNodes: o.maxNodes },
        { output: '--output', execution: '--execution' }
      );
      const g = await new GenesisClient({ home: o.home as string | undefined }).call('lineage', { query });
      process.stdout.write(o.json ? json(g) : formatGraph(g));
    });

  prov
    .command('impact')
    .description(
      'Which runs, outputs, jobs and derived versions used a dataset version (REF: ns/name@version or ns/name = latest)'
    )
    .argument('<ref>')
    .option('--max-nodes <n>', 'at most this many nodes')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (ref: string, o: Record<string, string | boolean | undefined>) => {
      const r = parseRef(ref);
      const query = parseCliOptions(ImpactQuery, { maxNodes: o.maxNodes }, {});
      const a = await new GenesisClient({ home: o.home as string | undefined }).call('impact', {
        params: { ns: r.namespace, name: r.name, version: r.version ?? 'latest' },
        query
      });
      process.stdout.write(o.json ? json(a) : formatImpact(a));
    });
}
