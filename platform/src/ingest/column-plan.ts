import { ARROW_META, GenesisError, OWNER, type RecordMetadata } from '@genesis-lab/contract';
import type { CatalogService } from '../catalog/service';
import { COLUMN_TYPES, type ColumnType } from './column-type';

export type FieldInfo = RecordMetadata['fieldInfo'];

/** Units and descriptions of an existing record's fields, kept for a new version ingested without metadata. */
export function existingFieldInfo(catalog: CatalogService, id: string): FieldInfo {
  try {
    const rec = catalog.getRecord(id, OWNER);
    return Object.fromEntries(rec.fields.map((f) => [f.name, { unit: f.unit, description: f.description }]));
  } catch {
    return {};
  }
}

/** Arrow field metadata for a column: its unit and description from the record's field info. */
export function fieldMetadata(info: FieldInfo, name: string, base?: Map<string, string>): Map<string, string> {
  const m = new Map(base ?? []);
  const i = info[name];
  if (i?.unit) m.set(ARROW_META.unit, i.unit);
  if (i?.description) m.set(ARROW_META.description, i.description);
  return m;
}

/** Source names -> catalog names; every rename must name an existing column and names stay unique. */
export function finalNames(sources: string[], rename: Record<string, string> = {}): string[] {
  for (const from of Object.keys(rename))
    if (!sources.includes(from))
      throw new GenesisError('bad_request', `Cannot rename column "${from}": the file has no such column`, {
        suggestions: sources.slice(0, 20)
      });
  const names = sources.map((s) => rename[s] ?? s);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new GenesisError('unprocessable', `Column name "${n}" appears twice`);
    seen.add(n);
  }
  return names;
}

/** Type overrides must name existing columns and known types. */
export function checkTypeOverrides(names: string[], types: Record<string, ColumnType> = {}): void {
  for (const [name, t] of Object.entries(types)) {
    if (!names.includes(name))
      throw new GenesisError('bad_request', `Cannot set the type of column "${name}": there is no such column`, {
        suggestions: names.slice(0, 20)
      });
    if (!COLUMN_TYPES.includes(t))
      throw new GenesisError('bad_request', `Unknown column type "${t}" for "${name}"`, {
        hint: `Use ${COLUMN_TYPES.join(', ')}`
      });
  }
}
