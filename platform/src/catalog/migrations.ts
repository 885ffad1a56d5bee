import type { Migration } from '../db/migrations';

/**
 * The catalog's tables. Records keep their full metadata as JSON (the contract shape) and
 * the columns search sorts on; `change_seq` increases with every write so a reader can pick
 * up exactly what changed (the search index of another process, see RecordIndex). Facet
 * values (licence, access level, domain, publisher, format, keywords) live in one table.
 *
 * Version 2 moves search into memory (see search/record-index.ts): each record gets a search
 * document (its words with their weights, its facet values, as ids of two dictionaries) written
 * with it, which the index loads; the FTS5 table, the facet rows and the sort indexes that
 * served the SQL search go.
 * Documents of the records already there are built when the catalog is next opened, from
 * `catalog_search_rebuild` (SQL cannot split text into words the way search does).
 */
export const catalogMigrations: readonly Migration[] = [
  {
    module: 'catalog',
    version: 1,
    name: 'records, versions, fields, facets, full-text index',
    sql: `
CREATE TABLE catalog_records (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  title_key TEXT NOT NULL,
  access_level TEXT NOT NULL,
  metadata TEXT NOT NULL,
  latest_version TEXT,
  latest_rows INTEGER,
  latest_size INTEGER,
  change_seq INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX catalog_records_title ON catalog_records (title_key, id);
CREATE INDEX catalog_records_updated ON catalog_records (updated_at, id);
CREATE INDEX catalog_records_rows ON catalog_records (IFNULL(latest_rows, -1), id);
CREATE INDEX catalog_records_change ON catalog_records (change_seq);

CREATE TABLE catalog_versions (
  rid INTEGER NOT NULL REFERENCES catalog_records (rid),
  version TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  batch_count INTEGER NOT NULL,
  source_format TEXT NOT NULL,
  source_sha256 TEXT,
  fields TEXT NOT NULL,
  notes TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (rid, version)
) WITHOUT ROWID;
CREATE INDEX catalog_versions_sha ON catalog_versions (sha256);

CREATE TABLE catalog_fields (
  rid INTEGER NOT NULL REFERENCES catalog_records (rid),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  nullable INTEGER NOT NULL,
  unit TEXT,
  description TEXT,
  PRIMARY KEY (rid, position)
) WITHOUT ROWID;

CREATE TABLE catalog_facets (
  facet TEXT NOT NULL,
  value TEXT NOT NULL,
  rid INTEGER NOT NULL REFERENCES catalog_records (rid),
  PRIMARY KEY (facet, value, rid)
) WITHOUT ROWID;
CREATE INDEX catalog_facets_rid ON catalog_facets (rid, facet, value);

CREATE VIRTUAL TABLE catalog_fts USING fts5(
  title, name, keywords, description, fields, agents,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4'
);
`
  },
  {
    module: 'catalog',
    version: 2,
    name: 'in-memory search: search documents instead of FTS5',
    sql: `
DROP TABLE catalog_fts;
DROP TABLE catalog_facets;
DROP INDEX catalog_records_title;
DROP INDEX catalog_records_updated;
DROP INDEX catalog_records_rows;

CREATE TABLE catalog_search_docs (
  rid INTEGER PRIMARY KEY REFERENCES catalog_records (rid),
  doc BLOB NOT NULL
);
-- Dense ids, assigned by writers under the write lock (no UNIQUE index: inserts stay appends).
CREATE TABLE catalog_search_words (id INTEGER PRIMARY KEY, word TEXT NOT NULL);
CREATE TABLE catalog_search_facet_values (id INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL);

CREATE TABLE catalog_search_rebuild (rid INTEGER PRIMARY KEY);
INSERT INTO catalog_search_rebuild (rid) SELECT rid FROM catalog_records;
`
  },
  {
    module: 'catalog',
    version: 3,
    name: 'kind facet (datasets and models): search documents rebuilt',
    sql: `
INSERT OR IGNORE INTO catalog_search_rebuild (rid) SELECT rid FROM catalog_records;
`
  }
];
