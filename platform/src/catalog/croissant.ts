import type { DatasetRecord, Field } from '@genesis-lab/contract';

/**
 * A record as Croissant 1.0 JSON-LD (MLCommons; schema.org Dataset + the `cr:` vocabulary):
 * one cr:FileObject per published version (the canonical Arrow IPC object, with its sha256)
 * and one cr:RecordSet whose cr:Fields mirror the latest schema with units and descriptions.
 */
export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  dct: 'http://purl.org/dc/terms/',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform'
} as const;

export const CROISSANT_CONFORMS_TO = 'http://mlcommons.org/croissant/1.0';

/** Croissant data types for Arrow types. */
export function croissantDataType(arrowType: string): string {
  if (arrowType === 'bool') return 'sc:Boolean';
  if (/^u?int\d+$/.test(arrowType)) return 'sc:Integer';
  if (/^float\d+$/.test(arrowType) || arrowType.startsWith('decimal')) return 'sc:Float';
  if (arrowType === 'date32' || arrowType === 'date64') return 'sc:Date';
  if (arrowType.startsWith('timestamp')) return 'sc:DateTime';
  return 'sc:Text';
}

/** The licence as a URL: the publisher's, or the SPDX page of an SPDX identifier. */
export function licenseUrl(record: Pick<DatasetRecord, 'license' | 'licenseUrl'>): string {
  if (record.licenseUrl) return record.licenseUrl;
  return `https://spdx.org/licenses/${encodeURIComponent(record.license)}.html`;
}

function agent(
  a: { name: string; url?: string; email?: string; affiliation?: string; identifier?: string },
  type: string
) {
  return {
    '@type': type,
    name: a.name,
    ...(a.url ? { url: a.url } : {}),
    ...(a.email ? { email: a.email } : {}),
    ...(a.identifier ? { identifier: a.identifier } : {}),
    ...(a.affiliation ? { affiliation: { '@type': 'sc:Organization', name: a.affiliation } } : {})
  };
}

function citation(r: DatasetRecord): string {
  if (r.citation) return r.citation;
  if (r.source.citation) return r.source.citation;
  const who = r.creators.map((c) => c.name).join(', ') || r.publisher?.name || r.id;
  const year = (r.versions[0]?.createdAt ?? r.updatedAt).slice(0, 4);
  return `${who} (${year}). ${r.title}${r.latestVersion ? `, version ${r.latestVersion}` : ''}. Genesis Lab catalog record ${r.id}.`;
}

/** `baseUrl` is the platform's public origin, so contentUrls are absolute as Croissant expects. */
export function toCroissant(r: DatasetRecord, baseUrl: string): Record<string, unknown> {
  const fileId = (version: string) => `arrow-${version}`;
  const latest = r.versions[0];
  const field = (f: Field) => ({
    '@type': 'cr:Field',
    '@id': `rows/${f.name}`,
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    dataType: croissantDataType(f.type),
    ...(f.unit ? { unitText: f.unit } : {}),
    source: { fileObject: { '@id': fileId(latest!.version) }, extract: { column: f.name } }
  });
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    '@id': `${baseUrl}/api/catalog/records/${r.id}`,
    conformsTo: CROISSANT_CONFORMS_TO,
    name: r.title,
    description: r.description || r.title,
    identifier: r.id,
    url: r.url ?? `${baseUrl}/api/catalog/records/${r.id}`,
    license: licenseUrl(r),
    citeAs: citation(r),
    ...(r.latestVersion ? { version: r.latestVersion } : {}),
    datePublished: r.createdAt,
    dateModified: r.updatedAt,
    keywords: r.keywords,
    ...(r.creators.length
      ? { creator: r.creators.map((c) => agent(c, c.affiliation ? 'sc:Person' : 'sc:Organization')) }
      : {}),
    ...(r.publisher ? { publisher: agent(r.publisher, 'sc:Organization') } : {}),
    ...(r.domain ? { about: r.domain } : {}),
    ...(r.temporalCoverage && (r.temporalCoverage.start || r.temporalCoverage.end)
      ? { temporalCoverage: `${r.temporalCoverage.start ?? '..'}/${r.temporalCoverage.end ?? '..'}` }
      : {}),
    ...(r.spatialCoverage
      ? {
          spatialCoverage: {
            '@type': 'sc:Place',
            ...(r.spatialCoverage.description ? { name: r.spatialCoverage.description } : {}),
            ...(r.spatialCoverage.bbox
              ? { geo: { '@type': 'sc:GeoShape', box: r.spatialCoverage.bbox.join(' ') } }
              : {})
          }
        }
      : {}),
    ...(r.source.url || r.source.wasDerivedFrom.length
      ? { isBasedOn: [...(r.source.url ? [r.source.url] : []), ...r.source.wasDerivedFrom] }
      : {}),
    isAccessibleForFree: r.accessLevel === 'open',
    distribution: r.versions.map((v) => ({
      '@type': 'cr:FileObject',
      '@id': fileId(v.version),
      name: `${r.id}@${v.version}.arrow`,
      description: `Version ${v.version}: ${v.rowCount} rows, the stored Arrow IPC file`,
      contentUrl: baseUrl + v.distributions[0]!.contentUrl,
      encodingFormat: v.distributions[0]!.mediaType,
      contentSize: `${v.sizeBytes} B`,
      sha256: v.sha256
    })),
    recordSet: latest
      ? [
          {
            '@type': 'cr:RecordSet',
            '@id': 'rows',
            name: 'rows',
            description: `Rows of ${r.id}@${latest.version}`,
            field: r.fields.map(field)
          }
        ]
      : []
  };
}
