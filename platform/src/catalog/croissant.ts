import type { Agent, DatasetRecord, Field } from '@genesis-lab/contract';

/**
 * A record as Croissant 1.0 JSON-LD (MLCommons; schema.org Dataset + the `cr:` vocabulary):
 * one cr:FileObject per published version (the canonical Arrow IPC object, with its sha256)
 * and one cr:RecordSet whose cr:Fields mirror the latest schema with units and descriptions.
 * Checked by MLCommons' reference validator (mlcroissant) in platform/test/catalog/croissant-validate.test.ts.
 */

/** The standard Croissant 1.0 @context, key for key (the validator warns about any other). */
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
  equivalentProperty: 'cr:equivalentProperty',
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
  samplingRate: 'cr:samplingRate',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform'
} as const;

export const CROISSANT_CONFORMS_TO = 'http://mlcommons.org/croissant/1.0';

/** The Croissant data type of values of an Arrow type (as `typeName` in arrow-types.ts writes it). */
export function croissantDataType(arrowType: string): string {
  // A dictionary-encoded column holds values of its value type.
  const dictionary = /^dictionary<values=(.+), indices=[a-z0-9]+>$/.exec(arrowType);
  if (dictionary) return croissantDataType(dictionary[1]!);
  const list = listElement(arrowType);
  if (list) return croissantDataType(list);
  if (arrowType === 'bool') return 'sc:Boolean';
  if (/^u?int\d+$/.test(arrowType)) return 'sc:Integer';
  if (/^float\d+$/.test(arrowType) || arrowType.startsWith('decimal')) return 'sc:Float';
  if (arrowType === 'date32' || arrowType === 'date64') return 'sc:Date';
  if (arrowType.startsWith('timestamp')) return 'sc:DateTime';
  if (/^time(32|64)\[/.test(arrowType)) return 'sc:Time';
  return 'sc:Text';
}

/** The element type of a `list<...>` type; Croissant describes such a column as a repeated field. */
function listElement(arrowType: string): string | undefined {
  return /^(?:large_)?list<(.+)>$/.exec(arrowType)?.[1];
}

/**
 * The licence as Croissant's `license`: the publisher's URL, or the SPDX page of one SPDX
 * identifier. An SPDX expression (`MIT OR Apache-2.0`) or a `LicenseRef-` id without a URL has
 * no page of its own: it stays the identifier, as text (schema.org allows text), rather than a
 * URL that does not exist.
 */
export function croissantLicense(record: Pick<DatasetRecord, 'license' | 'licenseUrl'>): string {
  if (record.licenseUrl) return record.licenseUrl;
  if (/\s/.test(record.license) || record.license.startsWith('LicenseRef-')) return record.license;
  return `https://spdx.org/licenses/${encodeURIComponent(record.license)}.html`;
}

/** schema.org's GeoShape box: the lower then the upper corner, each as "latitude longitude". */
export function geoBox([west, south, east, north]: [number, number, number, number]): string {
  return `${south} ${west} ${north} ${east}`;
}

/** The schema.org type of a creator: its declared kind, else a person when it has an affiliation. */
function agentType(a: Agent): string {
  const kind = a.kind ?? (a.affiliation ? 'person' : 'organization');
  return kind === 'person' ? 'sc:Person' : 'sc:Organization';
}

function agent(a: Agent, type: string = agentType(a)) {
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

/** The name the stored Arrow IPC object of a version is downloaded under. */
export function arrowFileName(id: string, version: string): string {
  return `${id.slice(id.indexOf('/') + 1)}-${version}.arrow`;
}

/** `baseUrl` is the platform's public origin, so contentUrls are absolute as Croissant expects. */
export function toCroissant(r: DatasetRecord, baseUrl: string): Record<string, unknown> {
  const fileId = (version: string) => `arrow-${version}`;
  const latest = r.versions[0];
  const field = (f: Field) => ({
    '@type': 'cr:Field',
    // Column names may hold any character; the @id is a relative IRI, so it is escaped.
    '@id': `rows/${encodeURIComponent(f.name)}`,
    name: f.name,
    ...(f.description ? { description: f.description } : {}),
    dataType: croissantDataType(f.type),
    ...(listElement(f.type) ? { repeated: true } : {}),
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
    license: croissantLicense(r),
    citeAs: citation(r),
    ...(r.latestVersion ? { version: r.latestVersion } : {}),
    datePublished: r.createdAt,
    dateModified: r.updatedAt,
    keywords: r.keywords,
    ...(r.creators.length ? { creator: r.creators.map((c) => agent(c)) } : {}),
    ...(r.publisher
      ? { publisher: agent(r.publisher, r.publisher.kind === 'person' ? 'sc:Person' : 'sc:Organization') }
      : {}),
    ...(r.domain ? { about: r.domain } : {}),
    ...(r.temporalCoverage && (r.temporalCoverage.start || r.temporalCoverage.end)
      ? { temporalCoverage: `${r.temporalCoverage.start ?? '..'}/${r.temporalCoverage.end ?? '..'}` }
      : {}),
    ...(r.spatialCoverage
      ? {
          spatialCoverage: {
            '@type': 'sc:Place',
            ...(r.spatialCoverage.description ? { name: r.spatialCoverage.description } : {}),
            ...(r.spatialCoverage.bbox ? { geo: { '@type': 'sc:GeoShape', box: geoBox(r.spatialCoverage.bbox) } } : {})
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
      // The file name a download of contentUrl gets (its content-disposition), as Croissant asks.
      name: arrowFileName(r.id, v.version),
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
