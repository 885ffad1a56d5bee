import { z } from 'zod';
import { OIP_DATATYPES } from './core/oip';

/**
 * The Open Inference Protocol v2 REST shapes (kserve/open-inference-protocol, the "V2 protocol"
 * of KServe, Triton and MLServer), used both ways: the platform serves its models with them, and
 * its `oip` runtime reads remote servers' answers with them. Names are the spec's (snake_case on
 * the wire). Unknown fields are kept (`looseObject`): servers add their own (Triton's `platform`
 * values, MLServer's `parameters`), and a client must not choke on them.
 */

export const OipDatatype = z.enum(OIP_DATATYPES).describe('An OIP tensor datatype');
export type OipDatatype = z.infer<typeof OipDatatype>;

/** `parameters` objects: string, number or boolean values (the spec's $parameters). */
export const OipParameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type OipParameters = z.infer<typeof OipParameters>;

/** A shape: -1 for a variable dimension in metadata; requests and responses use sizes >= 0. */
export const OipShape = z.array(z.number().int().min(-1));

export const OipServerLive = z.object({ live: z.boolean() }).meta({ id: 'OipServerLive' });
export type OipServerLive = z.infer<typeof OipServerLive>;
export const OipServerReady = z.object({ ready: z.boolean() }).meta({ id: 'OipServerReady' });
export type OipServerReady = z.infer<typeof OipServerReady>;
export const OipModelReady = z.looseObject({ name: z.string(), ready: z.boolean() }).meta({ id: 'OipModelReady' });
export type OipModelReady = z.infer<typeof OipModelReady>;

export const OipServerMetadata = z
  .looseObject({ name: z.string(), version: z.string(), extensions: z.array(z.string()) })
  .meta({ id: 'OipServerMetadata' });
export type OipServerMetadata = z.infer<typeof OipServerMetadata>;

/** One input or output in model metadata ($metadata_tensor). */
export const OipTensorMetadata = z.looseObject({
  name: z.string().min(1),
  datatype: z.string().min(1).describe('An OIP datatype (BOOL, INT8..64, UINT8..64, FP16/32/64, BYTES)'),
  shape: OipShape,
  parameters: OipParameters.optional()
});
export type OipTensorMetadata = z.infer<typeof OipTensorMetadata>;

export const OipModelMetadata = z
  .looseObject({
    name: z.string(),
    versions: z.array(z.string()).optional(),
    platform: z.string(),
    inputs: z.array(OipTensorMetadata).optional(),
    outputs: z.array(OipTensorMetadata).optional(),
    parameters: OipParameters.optional()
  })
  .meta({ id: 'OipModelMetadata' });
export type OipModelMetadata = z.infer<typeof OipModelMetadata>;

/**
 * Tensor data, row-major, flat or nested. Its elements are checked against the datatype and shape
 * by `tensorProblem` (contract/core/oip.ts), which names the tensor and the element, rather than
 * here, where a million-element array would cost a zod walk and the message would name an index.
 */
export const OipTensorData = z.array(z.unknown()).describe('Row-major tensor elements, flat or nested');

export const OipRequestInput = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: z.string().min(1),
  parameters: OipParameters.optional(),
  data: OipTensorData
});
export type OipRequestInput = z.infer<typeof OipRequestInput>;

export const OipRequestOutput = z.looseObject({ name: z.string().min(1), parameters: OipParameters.optional() });
export type OipRequestOutput = z.infer<typeof OipRequestOutput>;

export const OipInferRequest = z
  .looseObject({
    id: z.string().optional(),
    parameters: OipParameters.optional(),
    inputs: z.array(OipRequestInput).min(1),
    outputs: z.array(OipRequestOutput).optional()
  })
  .meta({ id: 'OipInferRequest' });
export type OipInferRequest = z.infer<typeof OipInferRequest>;

export const OipResponseOutput = z.looseObject({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: z.string().min(1),
  parameters: OipParameters.optional(),
  data: OipTensorData
});
export type OipResponseOutput = z.infer<typeof OipResponseOutput>;

export const OipInferResponse = z
  .looseObject({
    model_name: z.string(),
    model_version: z.string().optional(),
    id: z.string().optional(),
    parameters: OipParameters.optional(),
    outputs: z.array(OipResponseOutput)
  })
  .meta({ id: 'OipInferResponse' });
export type OipInferResponse = z.infer<typeof OipInferResponse>;

/**
 * The spec's error body: `{"error": "<message>"}`, which KServe's and Triton's clients read as a
 * string. The platform's /v2 routes answer it with the house error's fields beside it (`code`,
 * `issues`, `suggestions`), so an OIP client and a Genesis client both get what they expect.
 */
export const OipError = z
  .looseObject({
    error: z.string(),
    code: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    suggestions: z.array(z.string()).optional()
  })
  .meta({ id: 'OipError' });
export type OipError = z.infer<typeof OipError>;

/** Path params of the /v2 model routes. */
export const OipModelParams = z.object({ name: z.string().min(1) });
export const OipVersionParams = OipModelParams.extend({ version: z.string().min(1) });

/**
 * One remote OIP server the operator allows the `oip` runtime to call. A model version names an
 * endpoint by its key in this file, never by URL, so the platform sends nothing to an address the
 * operator did not configure.
 */
export const OipEndpoint = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .describe('Base URL of the server; its /v2/... paths are appended'),
    title: z.string().optional(),
    timeoutMs: z.number().int().min(1).max(600_000).default(30_000).describe('Per request (infer included)'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('Further tries of a read, or of an infer the server refused before processing'),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Sent with every request (e.g. an Authorization header the server wants)')
  })
  .strict()
  .meta({ id: 'OipEndpoint' });
export type OipEndpoint = z.infer<typeof OipEndpoint>;

export const OipEndpointsFile = z
  .object({
    endpoints: z.record(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'endpoint names are letters, digits, ".", "_" or "-"'),
      OipEndpoint
    )
  })
  .strict()
  .meta({ id: 'OipEndpointsFile' });
export type OipEndpointsFile = z.infer<typeof OipEndpointsFile>;
export type OipEndpointsFileInput = z.input<typeof OipEndpointsFile>;
