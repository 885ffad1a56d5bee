import { z } from 'zod';
import { routes, type RouteDef } from './api';
import { ErrorBody } from './errors';
import { OipError } from './oip';

/**
 * The OpenAPI 3.1 document, generated from the route table and the contract's schemas.
 * Every schema with a `.meta({ id })` becomes a component that routes reference, so the
 * document reads like the contract instead of repeating it inline.
 */
type Io = 'input' | 'output';
type Json = Record<string, unknown>;
const REF = '#/components/schemas/';

function stripHeader(js: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = js;
  return rest;
}

function registrySchemas(io: Io, name: (id: string) => string): Record<string, Json> {
  const out = z.toJSONSchema(z.globalRegistry, { io, unrepresentable: 'any', uri: (id) => REF + name(id) }) as {
    schemas: Record<string, Json>;
  };
  return Object.fromEntries(Object.entries(out.schemas).map(([id, js]) => [id, stripHeader(js)]));
}

/** Output components keep their id; an input variant (defaults make fields optional) is `<id>Input` where it differs. */
function buildComponents(): { schemas: Record<string, Json>; name: (id: string, io: Io) => string } {
  const output = registrySchemas('output', (id) => id);
  const plainInput = registrySchemas('input', (id) => id);
  const differs = new Set(
    Object.keys(plainInput).filter((id) => JSON.stringify(plainInput[id]) !== JSON.stringify(output[id]))
  );
  const name = (id: string, io: Io) => (io === 'input' && differs.has(id) ? `${id}Input` : id);
  const input = registrySchemas('input', (id) => name(id, 'input'));
  const schemas: Record<string, Json> = { ...output };
  for (const id of differs) schemas[`${id}Input`] = input[id]!;
  return { schemas, name };
}

/** Point `#/$defs/<registered id>` at the component and drop the inlined copy. */
function linkComponents(value: unknown, io: Io, name: (id: string, io: Io) => string, known: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => linkComponents(v, io, name, known));
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') && known.has(v.slice(8))) {
      out[k] = REF + name(v.slice(8), io);
    } else if (k === '$defs' && typeof v === 'object' && v !== null) {
      const rest = Object.entries(v).filter(([id]) => !known.has(id));
      if (rest.length) out[k] = Object.fromEntries(rest.map(([id, d]) => [id, linkComponents(d, io, name, known)]));
    } else out[k] = linkComponents(v, io, name, known);
  }
  return out;
}

export function openApiDocument(info: { version: string; serverUrl?: string }): Json {
  const { schemas, name } = buildComponents();
  const known = new Set(z.globalRegistry._idmap.keys());
  const schemaOf = (s: z.ZodType, io: Io): Json => {
    const id = z.globalRegistry.get(s)?.id;
    if (id && known.has(id)) return { $ref: REF + name(id, io) };
    const js = stripHeader(z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json);
    return linkComponents(js, io, name, known) as Json;
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, r] of Object.entries(routes) as [string, RouteDef][]) {
    const parameters: unknown[] = [];
    const addParams = (s: z.ZodType | undefined, where: 'path' | 'query' | 'header') => {
      if (!s) return;
      const js = linkComponents(
        stripHeader(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json),
        'input',
        name,
        known
      ) as {
        properties?: Record<string, Json>;
        required?: string[];
      };
      for (const [p, schema] of Object.entries(js.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({
          name: p,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(p),
          ...(description ? { description } : {}),
          schema: rest
        });
      }
    };
    addParams(r.params, 'path');
    addParams(r.query, 'query');
    addParams(r.headers, 'header');
    const ok: Json = { description: 'OK' };
    if (r.response) ok.content = { 'application/json': { schema: schemaOf(r.response, 'output') } };
    else if (r.produces) ok.content = Object.fromEntries(r.produces.map((m) => [m, {}]));
    paths[r.path] ??= {};
    paths[r.path]![r.method.toLowerCase()] = {
      operationId,
      summary: r.summary,
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } }
        : r.consumes
          ? { requestBody: { required: true, content: Object.fromEntries(r.consumes.map((m) => [m, {}])) } }
          : {}),
      ...(r.scope === 'public' ? { security: [] } : {}),
      // The token scope the route needs (the policy checks it before the handler runs).
      'x-genesis-scope': r.scope,
      responses: {
        [String(r.status ?? 200)]: ok,
        // The OIP v2 routes answer the protocol's own error shape ({"error": message, ...}).
        default: {
          description: 'Error',
          content: { 'application/json': { schema: schemaOf(r.tag === 'oip' ? OipError : ErrorBody, 'output') } }
        }
      }
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Genesis Lab platform API', version: info.version },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths
  };
}
