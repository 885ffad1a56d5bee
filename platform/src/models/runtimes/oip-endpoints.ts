import * as fs from 'node:fs';
import * as path from 'node:path';
import { GenesisError, OipEndpointsFile, validationError, type OipEndpoint } from '@genesis-lab/contract';

/** Where the operator lists the OIP servers the platform may call (config `modelEndpointsFile`, else the home's file; no CLI flag yet). */
export function endpointsFilePath(explicitFile: string | undefined, homeRoot: string): string {
  return explicitFile ?? path.join(homeRoot, 'model-endpoints.json');
}

/**
 * The configured OIP endpoints, read and validated each time a model loads (an endpoint added to
 * the file is seen without a restart). No file: none configured, so no `oip` model can run.
 */
export function loadOipEndpoints(file: string): Record<string, OipEndpoint> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new GenesisError('unavailable', `Cannot read the model endpoints file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new GenesisError(
      'validation_failed',
      `The model endpoints file ${file} is not JSON: ${(err as Error).message}`,
      {
        hint: 'It must be {"endpoints": {"name": {"url": "http://127.0.0.1:8080"}}}'
      }
    );
  }
  const parsed = OipEndpointsFile.safeParse(raw);
  if (parsed.success) return parsed.data.endpoints;
  const e = validationError('', parsed.error);
  throw new GenesisError(
    'validation_failed',
    e.message.replace(/^Invalid input/, `Invalid model endpoints file ${file}`),
    {
      issues: e.issues,
      hint: 'Each endpoint is {"url": "http://host:port", "timeoutMs"?: 30000, "retries"?: 2, "headers"?: {...}}'
    }
  );
}

/** The endpoint a model version names, or a clear error listing the configured ones. */
export function endpointNamed(endpoints: Record<string, OipEndpoint>, name: string, file: string): OipEndpoint {
  const e = endpoints[name];
  if (e) return e;
  const have = Object.keys(endpoints);
  throw new GenesisError('unprocessable', `No OIP endpoint "${name}" is configured on this platform`, {
    hint: `The operator lists endpoints in ${file}${have.length ? `; configured: ${have.join(', ')}` : ' (it has none)'}`,
    suggestions: have
  });
}
