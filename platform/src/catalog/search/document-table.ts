import type { AccessLevel, RecordKind } from '@genesis-lab/contract';
import type { Db } from '../../db/database';

/**
 * Search documents in SQLite (`catalog_search_docs`, one row per record, written in the same
 * transaction as the record): what the in-memory index loads, without parsing metadata or
 * splitting text again. A document is one blob of little-endian integers: its length in words,
 * its word ids (see TermDictionary), its facet value ids (see FacetDictionary) and the words'
 * 16-bit weights, in that order so every array is aligned and can be read in place:
 *
 *   u32 length | u32 words | u32 facets | u32 word id x words | u32 facet value id x facets | u16 weight x words
 */
export interface EncodedDocument {
  length: number;
  terms: number;
  facets: number;
  termIds: Uint32Array;
  weights: Uint16Array;
  facetIds: Uint32Array;
  /** The decoder's own arrays, for blobs it cannot view in place. */
  own: { termIds: Uint32Array; weights: Uint16Array; facetIds: Uint32Array };
}

export function encodeDocument(
  length: number,
  termIds: ArrayLike<number>,
  weights: ArrayLike<number>,
  facetIds: ArrayLike<number>
): Buffer {
  const n = termIds.length;
  const f = facetIds.length;
  const buf = Buffer.allocUnsafe(12 + 4 * n + 4 * f + 2 * n);
  buf.writeUInt32LE(length, 0);
  buf.writeUInt32LE(n, 4);
  buf.writeUInt32LE(f, 8);
  let at = 12;
  for (let i = 0; i < n; i++, at += 4) buf.writeUInt32LE(termIds[i]!, at);
  for (let i = 0; i < f; i++, at += 4) buf.writeUInt32LE(facetIds[i]!, at);
  for (let i = 0; i < n; i++, at += 2) buf.writeUInt16LE(weights[i]!, at);
  return buf;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decode into `into`: views of the blob's own bytes when they are aligned (and the machine is
 * little-endian), copies into `into`'s reused arrays otherwise (an index load decodes a million).
 */
export function decodeDocument(buf: Buffer, into: EncodedDocument): EncodedDocument {
  const n = buf.readUInt32LE(4);
  const f = buf.readUInt32LE(8);
  into.length = buf.readUInt32LE(0);
  into.terms = n;
  into.facets = f;
  if (LITTLE_ENDIAN && buf.byteOffset % 4 === 0) {
    into.termIds = new Uint32Array(buf.buffer, buf.byteOffset + 12, n);
    into.facetIds = new Uint32Array(buf.buffer, buf.byteOffset + 12 + 4 * n, f);
    into.weights = new Uint16Array(buf.buffer, buf.byteOffset + 12 + 4 * n + 4 * f, n);
    return into;
  }
  const own = into.own;
  if (own.termIds.length < n) {
    own.termIds = new Uint32Array(n * 2);
    own.weights = new Uint16Array(n * 2);
  }
  if (own.facetIds.length < f) own.facetIds = new Uint32Array(f * 2);
  into.termIds = own.termIds;
  into.weights = own.weights;
  into.facetIds = own.facetIds;
  let at = 12;
  for (let i = 0; i < n; i++, at += 4) into.termIds[i] = buf.readUInt32LE(at);
  for (let i = 0; i < f; i++, at += 4) into.facetIds[i] = buf.readUInt32LE(at);
  for (let i = 0; i < n; i++, at += 2) into.weights[i] = buf.readUInt16LE(at);
  return into;
}

export function emptyDocument(): EncodedDocument {
  const own = { termIds: new Uint32Array(256), weights: new Uint16Array(256), facetIds: new Uint32Array(64) };
  return { length: 0, terms: 0, facets: 0, ...own, own };
}

export interface DocumentRow {
  rid: number;
  id: string;
  kind: RecordKind;
  accessLevel: AccessLevel;
  project: string;
  titleKey: string;
  updatedAt: string;
  rows: number | null;
  changeSeq: number;
  doc: Buffer;
}

type RawRow = [number, string, RecordKind, AccessLevel, string, string, number | null, number, Buffer, string];

export class DocumentTable {
  private readonly upsert;
  private readonly changed;

  constructor(db: Db) {
    this.upsert = db.prepare('INSERT OR REPLACE INTO catalog_search_docs (rid, doc) VALUES (?, ?)');
    this.changed = db
      .prepare<[number], RawRow>(
        `SELECT r.rid, r.id, r.kind, r.access_level, r.title_key, r.updated_at, r.latest_rows, r.change_seq, d.doc, r.project
         FROM catalog_records r JOIN catalog_search_docs d ON d.rid = r.rid
         WHERE r.change_seq > ? ORDER BY r.change_seq`
      )
      .raw(true);
  }

  /** Call inside the transaction that writes the record. */
  write(rid: number, doc: Buffer): void {
    this.upsert.run(rid, doc);
  }

  /** Records changed after `seq`, with their documents, oldest change first (streamed). */
  *changedSince(seq: number): Generator<DocumentRow> {
    for (const r of this.changed.iterate(seq))
      yield {
        rid: r[0],
        id: r[1],
        kind: r[2],
        accessLevel: r[3],
        titleKey: r[4],
        updatedAt: r[5],
        rows: r[6],
        changeSeq: r[7],
        doc: r[8],
        project: r[9]
      };
  }
}
