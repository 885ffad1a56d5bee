import type { RecordBatch } from 'apache-arrow';
import {
  GenesisError,
  arrowTypeOfOip,
  isOipDatatype,
  shapeText,
  type ModelRuntimeSpec,
  type OipModelMetadata,
  type OipTensorMetadata
} from '@genesis-lab/contract';
import type {
  LoadRequest,
  LoadedModel,
  ModelRuntime,
  PredictOptions,
  RuntimeContext,
  RuntimeMetadata,
  RuntimeTensor
} from '../runtime';
import { batchOfTensors, groupMetadataShape, tensorGroups, tensorsOfBatch, type TensorGroup } from '../oip/tensors';
import { OipClient } from './oip-client';
import { endpointNamed, endpointsFilePath, loadOipEndpoints } from './oip-endpoints';

type OipSpec = Extract<ModelRuntimeSpec, { kind: 'oip' }>;

/**
 * The `oip` runtime: a model served by a remote Open Inference Protocol v2 server (KServe, Triton,
 * MLServer) at an endpoint the operator configured. Loading checks the server is live, the model
 * ready and its metadata against the registered signature (tensor names, datatypes, shapes);
 * predict sends one JSON infer per batch with the signature's columns as tensors.
 */
export class OipRuntime implements ModelRuntime {
  readonly kind = 'oip' as const;
  private readonly file: string;

  constructor(ctx: RuntimeContext) {
    this.file = endpointsFilePath(ctx.config.modelEndpointsFile, ctx.home.root);
  }

  async inspect(request: LoadRequest): Promise<RuntimeMetadata> {
    return (await this.connect(request)).metadata;
  }

  async load(request: LoadRequest): Promise<LoadedModel> {
    const c = await this.connect(request);
    return {
      metadata: c.metadata,
      predict: (batch, options) => predict(c, request, batch, options),
      dispose: async () => {}
    };
  }

  async close(): Promise<void> {}

  private async connect(request: LoadRequest): Promise<Connection> {
    const spec = oipSpec(request.runtime);
    const client = new OipClient(spec.endpoint, endpointNamed(loadOipEndpoints(this.file), spec.endpoint, this.file));
    const model = `model "${spec.model}"${spec.modelVersion ? ` version ${spec.modelVersion}` : ''} on ${client.label}`;
    if (!(await client.live()))
      throw new GenesisError('unavailable', `${client.label} is not live (GET /v2/health/live)`);
    if (!(await client.modelReady(spec.model, spec.modelVersion)))
      throw new GenesisError('unavailable', `The ${model} is not ready`, {
        hint: 'The server does not serve it (yet): check its name and version, and the server log'
      });
    const meta = await client.modelMetadata(spec.model, spec.modelVersion);
    const inputs = tensorGroups(request.signature.inputs);
    const outputs = tensorGroups(request.signature.outputs);
    const problems = [
      ...metadataProblems(meta.inputs ?? [], inputs, 'input'),
      ...metadataProblems(meta.outputs ?? [], outputs, 'output')
    ];
    if (problems.length)
      throw new GenesisError(
        'unprocessable',
        `The ${model} has another signature than ${request.id}: ${problems.join('; ')}`,
        {
          issues: problems.map((message) => ({ path: 'signature', message }))
        }
      );
    const rank = new Map((meta.inputs ?? []).map((t) => [t.name, t.shape.length]));
    return { client, spec, inputs, outputs, rank, metadata: runtimeMetadata(meta, client) };
  }
}

interface Connection {
  client: OipClient;
  spec: OipSpec;
  inputs: TensorGroup[];
  outputs: TensorGroup[];
  /** Rank the server declares for each input (a [N] or a [N, k] tensor), when it declares one. */
  rank: Map<string, number>;
  metadata: RuntimeMetadata;
}

async function predict(
  c: Connection,
  request: LoadRequest,
  batch: RecordBatch,
  options: PredictOptions = {}
): Promise<RecordBatch> {
  const inputs = tensorsOfBatch(batch, c.inputs, (t) => c.rank.get(t) ?? 2);
  const answer = await c.client.infer(
    c.spec.model,
    c.spec.modelVersion,
    {
      inputs: inputs.map((t) => ({ ...t, shape: [...t.shape], data: t.data as unknown[] })),
      outputs: c.outputs.map((g) => ({ name: g.tensor }))
    },
    options.signal
  );
  const bad = (m: string) =>
    new GenesisError('unavailable', `${c.client.label} answered an infer of "${c.spec.model}" wrongly: ${m}`);
  const out = batchOfTensors(answer.outputs, c.outputs, request.signature.outputs, 'output', bad);
  if (out.numRows !== batch.numRows) throw bad(`it answered ${out.numRows} rows for ${batch.numRows} input rows`);
  return out;
}

function oipSpec(spec: ModelRuntimeSpec): OipSpec {
  if (spec.kind !== 'oip') throw new GenesisError('internal', `The oip runtime was given a ${spec.kind} version`);
  return spec;
}

/**
 * What differs between a server's declared tensors and the signature's: a missing tensor, another
 * datatype, a shape that cannot carry the columns. A server that declares no tensors at all (an
 * MLServer model-settings.json without "inputs") cannot be checked here; predict still checks every
 * answer it gets.
 */
export function metadataProblems(
  declared: readonly OipTensorMetadata[],
  groups: readonly TensorGroup[],
  role: 'input' | 'output'
): string[] {
  if (declared.length === 0) return [];
  const byName = new Map(declared.map((t) => [t.name, t]));
  const problems: string[] = [];
  for (const g of groups) {
    const t = byName.get(g.tensor);
    const want = `${g.datatype} ${shapeText(groupMetadataShape(g))}`;
    if (!t) {
      problems.push(
        `the server has no ${role} "${g.tensor}" (the signature wants ${want}; the server's ${role}s: ${declared.map((d) => `"${d.name}"`).join(', ')})`
      );
      continue;
    }
    if (t.datatype !== g.datatype)
      problems.push(`${role} "${g.tensor}" is ${t.datatype} on the server, ${want} in the signature`);
    const k = g.columns.length;
    const last = t.shape[t.shape.length - 1];
    const fits = (t.shape.length === 2 && (last === k || last === -1)) || (t.shape.length === 1 && k === 1);
    if (!fits)
      problems.push(`${role} "${g.tensor}" has shape ${shapeText(t.shape)} on the server, ${want} in the signature`);
  }
  return problems;
}

function runtimeMetadata(meta: OipModelMetadata, client: OipClient): RuntimeMetadata {
  const tensor = (t: OipTensorMetadata): RuntimeTensor => ({
    name: t.name,
    type: isOipDatatype(t.datatype) ? arrowTypeOfOip(t.datatype) : t.datatype,
    shape: t.shape
  });
  return {
    runtime: 'oip',
    inputs: (meta.inputs ?? []).map(tensor),
    outputs: (meta.outputs ?? []).map(tensor),
    details: {
      endpoint: client.name,
      url: client.endpoint.url,
      model: meta.name,
      platform: meta.platform,
      ...(meta.versions?.length ? { versions: meta.versions.join(', ') } : {})
    }
  };
}

export const oipRuntimeFactory = (ctx: RuntimeContext): ModelRuntime => new OipRuntime(ctx);
