/** The lineage output's MIME type and schema version (the record schemas are in ../lineage.ts). */
export const LINEAGE_MIME_TYPE = 'application/vnd.genesis.lineage+json';
export const LINEAGE_SCHEMA_VERSION = 1;
