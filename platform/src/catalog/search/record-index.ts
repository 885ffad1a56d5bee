import { AccessLevel, FACETS, RecordKind } from '@genesis-lab/contract';
import type { Db } from '../../db/database';
import { DocumentTable, decodeDocument, emptyDocument, type DocumentRow } from './document-table';
import { FacetCounts, type FacetDictionary } from './facet-dictionary';
import { PostingsStore, SegmentBuilder, resized } from './postings';
import { SortOrders } from './sort-orders';
import type { TermDictionary } from './term-dictionary';

/**
 * The in-memory search index of the catalog: one slot per record, with what search filters,
 * counts, ranks and sorts on, in typed arrays; postings lists of words and facet values; facet
 * counts per partition; presorted orders. Full text, facets and paging all run here, with no
 * SQLite lookup per matching record.
 *
 * It follows the database incrementally: every write of a record bumps its `change_seq` and
 * rewrites its search document, and `refresh()` loads the documents changed since the last
 * refresh. A changed record gets a new slot and its old one dies (dead slots are skipped, and
 * dropped when postings segments merge; when more than half the slots are dead, `wasteful`
 * says the owner should load a new index). Writes by another process (the CLI importing while the server runs) show up
 * through SQLite's `data_version`. A refresh reads committed transactions only, so a batch
 * being imported is searchable all at once or not at all.
 */
export const ACCESS_CODES: readonly AccessLevel[] = AccessLevel.options;
export const KIND_CODES: readonly RecordKind[] = RecordKind.options;
/** Records are counted per partition: kind x access level. */
export const PARTITIONS = KIND_CODES.length * ACCESS_CODES.length;
/** `state` of a dead slot. */
export const DEAD = 255;

export function partitionOf(kind: RecordKind, access: AccessLevel): number {
  return KIND_CODES.indexOf(kind) * ACCESS_CODES.length + ACCESS_CODES.indexOf(access);
}

/**
 * Export-controlled records are visible per project (see access/policy.ts), so their slots'
 * `state` is not their partition but one of these project states: PARTITIONS + project code x
 * kinds + kind. A search then tells visible slots by one `allowed[state]` load, as for the
 * other levels. Projects beyond the codes there are room for share the last state, which only
 * principals who see every project (admins) are allowed: the index fails closed.
 */
export const PROJECT_STATES_FROM = PARTITIONS;
export const PROJECT_CODES = Math.floor((255 - PARTITIONS) / KIND_CODES.length);
export function projectStateOf(kind: RecordKind, code: number): number {
  return PARTITIONS + Math.min(code, PROJECT_CODES - 1) * KIND_CODES.length + KIND_CODES.indexOf(kind);
}
export const EXPORT_CONTROLLED = ACCESS_CODES.indexOf('export-controlled');

/** Documents loaded per postings segment during one refresh (bounds the memory a refresh needs). */
const SEGMENT_RECORDS = 65_536;

export class RecordIndex {
  slotCount = 0;
  rids = new Int32Array(1024);
  /** 1 while the slot's record is current. */
  live = new Uint8Array(1024);
  partition = new Uint8Array(1024);
  /** The partition of a live slot, DEAD otherwise: one load answers "live and visible?". */
  state = new Uint8Array(1024);
  /** Words in the record (BM25's document length). */
  lengths = new Int32Array(1024);
  rows = new Float64Array(1024);
  ids: string[] = [];
  titleKeys: string[] = [];
  updated: string[] = [];
  /** Facet value ids of slot s: facetIds[facetStart[s] .. facetStart[s + 1]). */
  facetStart = new Int32Array(1025);
  facetIds = new Int32Array(4096);
  /**
   * Per facet (index in FACETS), each slot's value id (-1: none), for the facets no record has
   * two values of (licence, access level, domain, publisher): counting one facet over many
   * records then reads one number per record instead of its whole list.
   */
  singleValue = FACETS.map(() => new Int32Array(1024));
  /** 1 for a facet some record has two values of: its singleValue column is not to be used. */
  readonly multiValued = new Uint8Array(FACETS.length);

  /** Project code -> project id, for the export-controlled records' states. */
  readonly projectNames: string[] = [];
  private readonly projectCodes = new Map<string, number>();
  /** Slots of export-controlled records per project code (dead ones included; check `state`). */
  readonly restrictedSlots: number[][] = [];

  liveCount = 0;
  /** Sum of the live records' lengths (for BM25's average length). */
  totalLength = 0;

  termPostings = new PostingsStore();
  facetCounts = new FacetCounts(PARTITIONS);
  facetPostings = new PostingsStore();
  orders = new SortOrders(this);

  /** Increases whenever the index changes (caches derived from it compare it). */
  generation = 0;
  /** Slot of each rid, plus one (0: none); rids are dense rowids, so an array beats a Map. */
  private slotOf = new Int32Array(1024);
  private lastSeq = 0;
  private dataVersion = -1;
  private dirty = true;
  private readonly docs: DocumentTable;
  private readonly doc = emptyDocument();
  private readonly version;

  /**
   * `words` and `facetValues` are the catalog's dictionaries (shared with its writer);
   * `generation`: where the previous index of this catalog stopped (generations only grow).
   */
  constructor(
    private readonly db: Db,
    readonly words: TermDictionary,
    readonly facetValues: FacetDictionary,
    generation = 0
  ) {
    this.docs = new DocumentTable(db);
    this.version = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.generation = generation;
  }

  /** More dead slots than live ones: a fresh index would be half the size. */
  get wasteful(): boolean {
    return this.slotCount - this.liveCount > Math.max(1024, this.liveCount);
  }

  /** This connection wrote: the next search refreshes. */
  markDirty(): void {
    this.dirty = true;
  }

  slotOfRid(rid: number): number | undefined {
    const s = rid < this.slotOf.length ? this.slotOf[rid]! - 1 : -1;
    return s < 0 ? undefined : s;
  }

  /** Bring the index up to date with the database; cheap when nothing changed. */
  refresh(): void {
    const version = this.version.get()!;
    if (!this.dirty && version === this.dataVersion) return;
    this.dirty = false;
    this.dataVersion = version;
    // One read transaction: the dictionaries and the documents come from the same snapshot.
    this.db.transaction(() => this.load())();
  }

  /** Load every document changed since the last load. */
  private load(): void {
    this.words.catchUp();
    this.facetValues.catchUp();
    const added: number[] = [];
    let terms = new SegmentBuilder(true);
    let facets = new SegmentBuilder(false);
    let pending = 0;
    for (const row of this.docs.changedSince(this.lastSeq)) {
      const old = this.slotOfRid(row.rid);
      if (old !== undefined) this.kill(old);
      added.push(this.add(row, terms, facets));
      if (row.changeSeq > this.lastSeq) this.lastSeq = row.changeSeq;
      if (++pending === SEGMENT_RECORDS) {
        this.termPostings.append(terms.seal(this.words.size), this.live);
        this.facetPostings.append(facets.seal(this.facetValues.size), this.live);
        terms = new SegmentBuilder(true);
        facets = new SegmentBuilder(false);
        pending = 0;
      }
    }
    if (!added.length) return;
    this.termPostings.append(terms.seal(this.words.size), this.live);
    this.facetPostings.append(facets.seal(this.facetValues.size), this.live);
    this.orders.update(Int32Array.from(added), this.live, this.slotCount);
    this.words.tidy();
    this.generation++;
  }

  private add(row: DocumentRow, terms: SegmentBuilder, facets: SegmentBuilder): number {
    const slot = this.slotCount++;
    if (slot === this.rids.length) this.grow(slot * 2);
    if (row.rid >= this.slotOf.length)
      this.slotOf = resized(this.slotOf, Math.max(row.rid + 1, this.slotOf.length * 2));
    this.slotOf[row.rid] = slot + 1;
    this.rids[slot] = row.rid;
    this.ids[slot] = row.id;
    this.titleKeys[slot] = row.titleKey;
    this.updated[slot] = row.updatedAt;
    this.rows[slot] = row.rows ?? -1;
    const part = partitionOf(row.kind, row.accessLevel);
    this.partition[slot] = part;
    if (row.accessLevel === 'export-controlled') {
      let code = this.projectCodes.get(row.project);
      if (code === undefined) {
        code = this.projectNames.push(row.project) - 1;
        this.projectCodes.set(row.project, code);
        this.restrictedSlots.push([]);
      }
      this.restrictedSlots[code]!.push(slot);
      this.state[slot] = projectStateOf(row.kind, code);
    } else this.state[slot] = part;
    this.live[slot] = 1;
    const doc = decodeDocument(row.doc, this.doc);
    this.lengths[slot] = doc.length;
    this.totalLength += doc.length;
    this.liveCount++;

    const from = this.facetStart[slot]!;
    const to = from + doc.facets;
    if (to > this.facetIds.length) this.facetIds = resized(this.facetIds, Math.max(this.facetIds.length * 2, to));
    for (const column of this.singleValue) column[slot] = -1;
    for (let i = 0; i < doc.facets; i++) {
      const id = doc.facetIds[i]!;
      this.facetIds[from + i] = id;
      facets.add(id, slot);
      const column = this.singleValue[this.facetValues.facetOf[id]!]!;
      if (column[slot] !== -1) this.multiValued[this.facetValues.facetOf[id]!] = 1;
      column[slot] = id;
    }
    this.facetStart[slot + 1] = to;
    this.facetCounts.count(part, this.facetIds, from, to, 1);
    for (let i = 0; i < doc.terms; i++) terms.add(doc.termIds[i]!, slot, doc.weights[i]!);
    return slot;
  }

  private kill(slot: number): void {
    this.live[slot] = 0;
    this.state[slot] = DEAD;
    this.liveCount--;
    this.totalLength -= this.lengths[slot]!;
    this.facetCounts.count(
      this.partition[slot]!,
      this.facetIds,
      this.facetStart[slot]!,
      this.facetStart[slot + 1]!,
      -1
    );
  }

  private grow(n: number): void {
    this.rids = resized(this.rids, n);
    this.live = resized(this.live, n);
    this.partition = resized(this.partition, n);
    this.state = resized(this.state, n);
    this.lengths = resized(this.lengths, n);
    this.rows = resized(this.rows, n);
    this.facetStart = resized(this.facetStart, n + 1);
    this.singleValue = this.singleValue.map((column) => resized(column, n));
  }
}
