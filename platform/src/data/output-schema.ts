import { Field, Schema } from 'apache-arrow';
import { ARROW_META, formatRef, type Cql2Expr } from '@genesis-lab/contract';
import type { ResolvedVersion } from '../catalog/service';

/**
 * The schema of a response: the projected fields, each carrying its unit and description from
 * the catalog record, and schema metadata naming exactly what was read (id, version, sha256,
 * ref, columns, filter), so every table knows where it came from.
 */
export function outputSchema(
  file: Schema,
  indices: readonly number[],
  resolved: ResolvedVersion,
  filter: Cql2Expr | undefined
): Schema {
  // The version's own fields first, the record's (units merged from its metadata) as a fallback.
  const ofVersion = new Map(resolved.version.fields.map((f) => [f.name, f]));
  const ofRecord = new Map(resolved.record.fields.map((f) => [f.name, f]));
  const fields = indices.map((i) => {
    const f = file.fields[i]!;
    const meta = new Map(f.metadata);
    const unit = ofVersion.get(f.name)?.unit ?? ofRecord.get(f.name)?.unit;
    const description = ofVersion.get(f.name)?.description ?? ofRecord.get(f.name)?.description;
    if (unit) meta.set(ARROW_META.unit, unit);
    if (description) meta.set(ARROW_META.description, description);
    return new Field(f.name, f.type, f.nullable, meta);
  });
  const metadata = new Map(file.metadata);
  const { record, version } = resolved;
  metadata.set(ARROW_META.id, record.id);
  metadata.set(ARROW_META.version, version.version);
  metadata.set(ARROW_META.sha256, version.sha256);
  metadata.set(ARROW_META.ref, formatRef({ id: record.id, version: version.version }));
  metadata.set(ARROW_META.columns, JSON.stringify(fields.map((f) => f.name)));
  if (filter) metadata.set(ARROW_META.filter, JSON.stringify(filter));
  else metadata.delete(ARROW_META.filter);
  return new Schema(fields, metadata, undefined, file.metadataVersion);
}
