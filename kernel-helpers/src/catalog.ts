import {
  GenesisError,
  SearchQuery,
  parseOrThrow,
  parseRef,
  type CatalogRecord,
  type DatasetRecord,
  type SearchResult
} from '@genesis-lab/contract';
import { rethrowPresentable } from '@genesis-lab/client';
import type { GenesisContext } from './context';
import { searchBundle } from './notebook/search-html';

export type SearchOptions = Partial<Pick<SearchQuery, 'kind' | 'sort' | 'limit' | 'cursor'>> & {
  /** Facet filters, "facet:value" (e.g. "license:CC-BY-4.0"); several values of a facet OR together. */
  filter?: string | string[];
  /** Set false to skip the rich display of the hits in a notebook. */
  display?: boolean;
};

/** Catalog search and records. */
export class CatalogApi {
  constructor(private readonly ctx: GenesisContext) {}

  /** Full-text search with facets; filters are "facet:value" strings (e.g. "license:CC-BY-4.0"). */
  async search(q: string, options: SearchOptions = {}): Promise<SearchResult> {
    const { display, ...rest } = options;
    let query: SearchQuery;
    try {
      query = parseOrThrow(SearchQuery, { ...rest, q }, 'options');
    } catch (err) {
      rethrowPresentable(err);
    }
    const result = await this.ctx.client.call('search', { query });
    if (display ?? this.ctx.settings.display) await this.ctx.notebook()?.show(searchBundle(q, result));
    return result;
  }

  /** The catalog record of `namespace/name` (a version in the ref is ignored: records span versions). */
  async record(id: string): Promise<CatalogRecord> {
    let ns: string;
    let name: string;
    try {
      ({ namespace: ns, name } = parseRef(id));
    } catch (err) {
      rethrowPresentable(err);
    }
    return this.ctx.client.call('record', { params: { ns, name } });
  }

  /** A dataset's record; a model's id is refused, pointing at `genesis.model(id)` (its card and signature). */
  async dataset(id: string): Promise<DatasetRecord> {
    const r = await this.record(id);
    if (r.kind !== 'dataset')
      rethrowPresentable(
        new GenesisError('bad_request', `${id} is a ${r.kind}, not a dataset`, {
          hint: `Read it with genesis.model("${id}").card()`
        })
      );
    return r;
  }
}
