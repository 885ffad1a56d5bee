import { z } from 'zod';
import { AccessLevel, RecordMetadata } from './catalog';
import { MODEL_RUNTIMES, SIGNATURE_TYPES } from './core/models';
import { RecordId, RefString, Sha256, Version } from './ref';

/**
 * Model records: a card after Mitchell et al. "Model Cards for Model Reporting" (2019) and
 * Hugging Face model cards, a serving signature (named, typed columns with units and shapes),
 * a runtime, and immutable versions whose weights are content-addressed by sha256.
 * Zod-free names and rules (runtimes, signature types, the signature check) are in ./core/models.ts.
 */

/** A dataset of the catalog used to train or evaluate a model, as a ref (pin a version). */
export const ModelDataRef = z
  .object({
    ref: RefString.describe('namespace/name@version of the catalog dataset'),
    sha256: Sha256.optional().describe('The dataset version digest, when the version is pinned'),
    description: z.string().optional().describe('Which part was used, e.g. "1958-2010, monthly means"'),
    split: z.string().optional().describe('e.g. "train", "held-out 2011-2020"')
  })
  .meta({ id: 'ModelDataRef' });
export type ModelDataRef = z.infer<typeof ModelDataRef>;

/** A quantitative result, with the data it was measured on. */
export const ModelMetric = z
  .object({
    name: z.string().min(1).describe('e.g. "RMSE", "MAE", "R2"'),
    value: z.number(),
    unit: z.string().optional().describe('e.g. "ppm"; absent for unitless metrics'),
    dataset: RefString.optional().describe('The evaluation dataset ref'),
    split: z.string().optional(),
    description: z.string().optional()
  })
  .meta({ id: 'ModelMetric' });
export type ModelMetric = z.infer<typeof ModelMetric>;

/** A condition of the domain under which the model is known to fail or degrade. */
export const FailureMode = z
  .object({
    condition: z.string().min(1).describe('e.g. "extrapolation beyond 2030"'),
    effect: z.string().min(1).describe('What goes wrong, and how badly if known')
  })
  .meta({ id: 'FailureMode' });
export type FailureMode = z.infer<typeof FailureMode>;

/** The model card proper (Mitchell et al. sections; Hugging Face card sections). */
export const ModelCard = z
  .object({
    modelType: z.string().min(1).describe('Architecture or method, e.g. "linear regression on harmonic features"'),
    framework: z.string().optional().describe('Training framework and version, e.g. "scikit-learn 1.9.1"'),
    intendedUse: z.object({
      primaryUses: z.array(z.string().min(1)).min(1, 'name at least one intended use'),
      primaryUsers: z.array(z.string().min(1)).default([]),
      outOfScope: z.array(z.string().min(1)).default([])
    }),
    factors: z.array(z.string()).default([]).describe('Relevant factors (instruments, regions, regimes)'),
    trainingData: z.array(ModelDataRef).default([]),
    evaluationData: z.array(ModelDataRef).default([]),
    metrics: z.array(ModelMetric).default([]),
    limitations: z.array(z.string().min(1)).default([]),
    failureModes: z.array(FailureMode).default([]),
    ethicalConsiderations: z.string().optional(),
    recommendations: z.array(z.string()).default([])
  })
  .meta({ id: 'ModelCard' });
export type ModelCard = z.infer<typeof ModelCard>;
export type ModelCardInput = z.input<typeof ModelCard>;

export const SignatureType = z.enum(SIGNATURE_TYPES);
export type SignatureType = z.infer<typeof SignatureType>;

/**
 * One input or output column. Rows are the batch dimension: `shape` is the shape of one row's
 * value (`[]` a scalar per row). Several scalar columns may feed one runtime tensor: `tensor` names
 * it (default: the column name) and `index` is the column's position along its last axis.
 */
export const SignatureField = z
  .object({
    name: z.string().min(1).describe('Column name in the Arrow table'),
    type: SignatureType,
    unit: z.string().optional().describe('UCUM or plain unit; an input column with another unit is refused'),
    shape: z.array(z.number().int().min(1)).default([]).describe('Per-row shape; [] is a scalar'),
    nullable: z.boolean().default(false).describe('Inputs: whether null values are accepted (see docs/models.md)'),
    description: z.string().optional(),
    example: z
      .union([z.number(), z.string(), z.boolean()])
      .optional()
      .describe("A typical value of one row (scalar columns): the model view's Insert writes it into the cell"),
    tensor: z.string().min(1).optional().describe('Runtime tensor name; default the column name'),
    index: z.number().int().min(0).optional().describe("Position along the tensor's last axis")
  })
  .meta({ id: 'SignatureField' });
export type SignatureField = z.infer<typeof SignatureField>;
export type SignatureFieldInput = z.input<typeof SignatureField>;

export const ModelSignature = z
  .object({
    inputs: z.array(SignatureField).min(1, 'a model needs at least one input'),
    outputs: z.array(SignatureField).min(1, 'a model needs at least one output')
  })
  .meta({ id: 'ModelSignature' });
export type ModelSignature = z.infer<typeof ModelSignature>;
export type ModelSignatureInput = z.input<typeof ModelSignature>;

export const ModelRuntimeKind = z.enum(MODEL_RUNTIMES);
export type ModelRuntimeKind = z.infer<typeof ModelRuntimeKind>;

/** How a version runs. `onnx`: the stored weights in-process. `oip`: a configured remote server. */
export const ModelRuntimeSpec = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('onnx'),
      /** onnxruntime graph optimisation level (default "all"). */
      graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']).default('all')
    }),
    z.object({
      kind: z.literal('oip'),
      endpoint: z.string().min(1).describe('Name of an endpoint in the platform configuration (never a URL)'),
      model: z.string().min(1).describe('Model name on that server'),
      modelVersion: z.string().optional()
    })
  ])
  .meta({ id: 'ModelRuntimeSpec' });
export type ModelRuntimeSpec = z.infer<typeof ModelRuntimeSpec>;

/** Where a version came from: the job that trained it and the dataset versions it read. */
export const ModelOrigin = z
  .object({
    jobId: z.string().optional().describe('The Genesis job that produced the weights'),
    script: z.string().optional().describe('The training script (path in the repository)'),
    trainedOn: z.array(ModelDataRef).default([]),
    seed: z.number().int().optional()
  })
  .meta({ id: 'ModelOrigin' });
export type ModelOrigin = z.infer<typeof ModelOrigin>;

export const ModelFormat = z.enum(['onnx']);
export type ModelFormat = z.infer<typeof ModelFormat>;

/** One immutable version: weights by digest, and the card and signature it was published with. */
export const ModelVersion = z
  .object({
    version: Version,
    sha256: Sha256.describe('sha256 of the weights file (the version digest)'),
    sizeBytes: z.number().int().nonnegative(),
    format: ModelFormat,
    runtime: ModelRuntimeSpec,
    signature: ModelSignature,
    card: ModelCard,
    origin: ModelOrigin.default({ trainedOn: [] }),
    createdAt: z.iso.datetime(),
    notes: z.string().optional()
  })
  .meta({ id: 'ModelVersion' });
export type ModelVersion = z.infer<typeof ModelVersion>;

/**
 * What a publisher describes about the model as a whole (shared by its versions): the catalog
 * record's own fields that apply to a model, so datasets and models validate them alike.
 */
export const ModelMetadata = RecordMetadata.pick({
  title: true,
  description: true,
  keywords: true,
  creators: true,
  publisher: true,
  license: true,
  licenseUrl: true,
  accessLevel: true,
  project: true,
  domain: true,
  url: true,
  citation: true
}).meta({ id: 'ModelMetadata' });
export type ModelMetadata = z.infer<typeof ModelMetadata>;

export const ModelRecord = ModelMetadata.extend({
  kind: z.literal('model'),
  id: RecordId,
  /** The latest version's card, signature and runtime (each version keeps its own). */
  card: ModelCard,
  signature: ModelSignature,
  runtime: ModelRuntimeSpec,
  versions: z.array(ModelVersion).describe('Newest first'),
  latestVersion: Version,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime()
}).meta({ id: 'ModelRecord' });
export type ModelRecord = z.infer<typeof ModelRecord>;

export const ModelVersionList = z
  .object({ id: RecordId, versions: z.array(ModelVersion) })
  .meta({ id: 'ModelVersionList' });
export type ModelVersionList = z.infer<typeof ModelVersionList>;

export const ModelSummary = z
  .object({
    id: RecordId,
    title: z.string(),
    description: z.string(),
    license: z.string(),
    accessLevel: AccessLevel,
    domain: z.string().optional(),
    latestVersion: Version,
    runtime: ModelRuntimeKind,
    sha256: Sha256,
    updatedAt: z.iso.datetime()
  })
  .meta({ id: 'ModelSummary' });
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelList = z.object({ models: z.array(ModelSummary) }).meta({ id: 'ModelList' });
export type ModelList = z.infer<typeof ModelList>;

/**
 * The card file `genesis models register --card card.json` reads: metadata, card, signature,
 * runtime and origin. The weights come separately (the uploaded file); the platform computes the digest.
 */
export const ModelCardFile = ModelMetadata.extend({
  version: Version.optional().describe('Default: 1 + the number of existing versions, as "1", "2", ...'),
  card: ModelCard,
  signature: ModelSignature,
  runtime: ModelRuntimeSpec.default({ kind: 'onnx', graphOptimization: 'all' }),
  origin: ModelOrigin.default({ trainedOn: [] }),
  notes: z.string().optional()
}).meta({ id: 'ModelCardFile' });
export type ModelCardFile = z.infer<typeof ModelCardFile>;
export type ModelCardFileInput = z.input<typeof ModelCardFile>;

/**
 * Body of `POST /api/jobs/{id}/publish-model`: a weights file a completed job left in its
 * directory, published as a version of `model` with this card file; the job becomes the
 * version's generator (`origin.jobId`), and its dataset stage-ins its `origin.trainedOn` when
 * the card names none.
 */
export const JobModelPublish = ModelCardFile.extend({
  file: z
    .string()
    .min(1)
    .regex(/^[^\0]*$/, 'must not contain NUL')
    .describe("Path of the weights file (ONNX), relative to the job's directory"),
  model: RecordId.describe('The model the new version belongs to, e.g. climate/co2-trend')
})
  .strict()
  .meta({ id: 'JobModelPublish' });
export type JobModelPublish = z.infer<typeof JobModelPublish>;
export type JobModelPublishInput = z.input<typeof JobModelPublish>;

/** Body of `POST /api/models/{ns}/{name}/versions`: the card file plus the digest of uploaded weights. */
export const ModelPublish = ModelCardFile.extend({
  weightsSha256: Sha256.describe('Digest answered by PUT /api/models/uploads'),
  format: ModelFormat.default('onnx')
}).meta({ id: 'ModelPublish' });
export type ModelPublish = z.infer<typeof ModelPublish>;
export type ModelPublishInput = z.input<typeof ModelPublish>;

/** Answer of `PUT /api/models/uploads` (weights staged, not yet published). */
export const ModelUpload = z
  .object({ sha256: Sha256, sizeBytes: z.number().int().nonnegative() })
  .meta({ id: 'ModelUpload' });
export type ModelUpload = z.infer<typeof ModelUpload>;

/** Query of the predict route. */
export const PredictQuery = z
  .object({
    batchRows: z.coerce
      .number()
      .int()
      .min(1, 'batchRows must be at least 1')
      .max(1_048_576, 'batchRows must be at most 1048576')
      .optional()
      .describe('Rows per runtime call (default 65536); memory stays at about one batch'),
    passthrough: z
      .string()
      .optional()
      .describe('Comma-separated input columns copied into the output beside the predictions')
  })
  .meta({ id: 'PredictQuery' });
export type PredictQuery = z.infer<typeof PredictQuery>;
