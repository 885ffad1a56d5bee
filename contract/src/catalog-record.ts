import { z } from 'zod';
import { DatasetRecord } from './catalog';
import { ModelRecord } from './models';

/** A record as search and access checks see it: a dataset (./catalog.ts) or a model (./models.ts). */
export const CatalogRecord = z.discriminatedUnion('kind', [DatasetRecord, ModelRecord]).meta({ id: 'CatalogRecord' });
export type CatalogRecord = z.infer<typeof CatalogRecord>;
