import type { AccessLevel, FacetName, RecordKind } from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import type { SearchDocument } from './search-document';

/**
 * Search documents in SQLite (`catalog_search_docs`, one row per record, written in the same
 * transaction as the record): what the in-memory index is loaded from, without parsing
 * metadata or splitting text again. Words are stored space-separated (a word never holds a
 * space), their weights as little-endian 16-bit integers, facet values as JSON.
 */
export interface DocumentRow {
  rid: number;
  id: string;
  kind: RecordKind;
  accessLevel: AccessLevel;
  titleKey: string;
  updatedAt: string;
  rows: number | null;
  changeSeq: number;
  doc: SearchDocument;
}

type RawRow = [
  number,
  string,
  RecordKind,
  AccessLevel,
  string,
  string,
  number | null,
  number,
  number,
  string,
  Buffer,
  string
];

export class DocumentTable {
  private readonly upsert;
  private readonly changed;

  constructor(db: Db) {
    this.upsert = db.prepare(
      'INSERT OR REPLACE INTO catalog_search_docs (rid, length, terms, weights, facets) VALUES (?, ?, ?, ?, ?)'
    );
    this.changed = db
      .prepare<[number], RawRow>(
        `SELECT r.rid, r.id, r.kind, r.access_level, r.title_key, r.updated_at, r.latest_rows, r.change_seq,
                d.length, d.terms, d.weights, d.facets
         FROM catalog_records r JOIN catalog_search_docs d ON d.rid = r.rid
         WHERE r.change_seq > ? ORDER BY r.change_seq`
      )
      .raw(true);
  }

  /** Call inside the transaction that writes the record. */
  write(rid: number, doc: SearchDocument): void {
    const weights = Buffer.allocUnsafe(doc.weights.length * 2);
    for (let i = 0; i < doc.weights.length; i++) weights.writeUInt16LE(doc.weights[i]!, 2 * i);
    this.upsert.run(rid, doc.length, doc.terms.join(' '), weights, JSON.stringify(doc.facets));
  }

  /** Records changed after `seq`, with their documents, oldest change first (streamed). */
  *changedSince(seq: number): Generator<DocumentRow> {
    for (const r of this.changed.iterate(seq)) {
      const weights = new Uint16Array(r[10].byteLength / 2);
      for (let i = 0; i < weights.length; i++) weights[i] = r[10].readUInt16LE(2 * i);
      yield {
        rid: r[0],
        id: r[1],
        kind: r[2],
        accessLevel: r[3],
        titleKey: r[4],
        updatedAt: r[5],
        rows: r[6],
        changeSeq: r[7],
        doc: {
          length: r[8],
          terms: r[9] === '' ? [] : r[9].split(' '),
          weights,
          facets: JSON.parse(r[11]) as [FacetName, string][]
        }
      };
    }
  }
}
