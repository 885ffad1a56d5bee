import type { Schema } from 'apache-arrow';
import { parseRef, type DataQuery, type Principal } from '@genesis-lab/contract';
import type { CatalogService, ResolvedVersion } from '../catalog/service';
import { projectColumns } from './columns';
import { compileFilter } from './filter/compile';
import { bodyPool } from './ipc/body-pool';
import { ArrowFileReader, type ReadObserver } from './ipc/file-reader';
import { outputSchema } from './output-schema';
import type { ScanPlan } from './scan';

export interface PreparedQuery {
  resolved: ResolvedVersion;
  schema: Schema;
  plan: ScanPlan;
}

/**
 * Everything that can fail with a clear 4xx happens here, before a single byte is sent:
 * ref and access (the catalog decides 403/404 for this principal), projection, filter types.
 * On success the caller owns `plan.reader` (a scan closes it).
 */
export async function prepareQuery(
  catalog: CatalogService,
  params: { ns: string; name: string; version: string },
  query: DataQuery,
  principal: Principal,
  observer: ReadObserver
): Promise<PreparedQuery> {
  const ref = parseRef(`${params.ns}/${params.name}@${params.version}`);
  const resolved = catalog.resolve(ref.id, ref.version ?? 'latest', principal);
  const reader = await ArrowFileReader.open(resolved.objectPath, observer, bodyPool);
  try {
    const names = reader.schema.fields.map((f) => f.name);
    const output = projectColumns(query.columns, names);
    const compiled = query.filter ? compileFilter(query.filter, reader.schema.fields) : undefined;
    const schema = outputSchema(reader.schema, output, resolved, query.filter);
    const plan: ScanPlan = {
      reader,
      output,
      schema,
      offset: query.offset,
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.batchSize !== undefined ? { batchSize: query.batchSize } : {}),
      ...(compiled ? { filter: { compiled, indices: compiled.columns.map((c) => names.indexOf(c)) } } : {})
    };
    return { resolved, schema, plan };
  } catch (err) {
    await reader.close();
    throw err;
  }
}
