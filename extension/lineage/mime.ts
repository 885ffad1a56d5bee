/**
 * The lineage output's MIME type. The contract exports it as `LINEAGE_MIME_TYPE`, but the
 * contract module brings zod with it; the renderer has to be registered at startup, where we
 * load no zod. The lazily loaded chip module checks that both strings agree.
 */
export const LINEAGE_MIME = 'application/vnd.genesis.lineage+json';
