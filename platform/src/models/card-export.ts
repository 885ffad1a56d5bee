import { routePath, type ModelDataRef, type ModelRecord, type ModelVersion } from '@genesis-lab/contract';

/**
 * The model card in two exchange formats:
 * - Croissant-style JSON-LD: a schema.org `SoftwareApplication`-like node typed as
 *   `cr:Model`-free schema.org terms (name, license, creator, citeAs) plus the card sections
 *   under a `genesis:` vocabulary, with training and evaluation data as `schema:Dataset` links
 *   to the catalog's own Croissant documents;
 * - a Hugging Face model-card `README.md`: YAML front matter (license, tags, datasets,
 *   model-index with metrics) and the sections of the Hugging Face template.
 */

function datasetLink(base: string, d: ModelDataRef): Record<string, unknown> {
  const [id, version] = d.ref.split('@') as [string, string | undefined];
  const [ns, name] = id.split('/') as [string, string];
  return {
    '@type': 'sc:Dataset',
    name: d.ref,
    ...(version ? { version } : {}),
    ...(d.sha256 ? { sha256: d.sha256 } : {}),
    ...(d.description ? { description: d.description } : {}),
    ...(d.split ? { 'genesis:split': d.split } : {}),
    url: `${base}${routePath('croissant', { ns, name })}`
  };
}

export function cardJsonLd(record: ModelRecord, v: ModelVersion, base: string): Record<string, unknown> {
  const [ns, name] = record.id.split('/') as [string, string];
  const c = v.card;
  return {
    '@context': {
      '@language': 'en',
      '@vocab': 'https://schema.org/',
      sc: 'https://schema.org/',
      cr: 'http://mlcommons.org/croissant/',
      genesis: 'https://genesis-lab.dev/ns/model-card#',
      sha256: 'https://w3id.org/ro/terms/workflow-run#sha256'
    },
    '@type': ['sc:SoftwareSourceCode', 'genesis:Model'],
    '@id': `${base}${routePath('model', { ns, name })}`,
    identifier: record.id,
    name: record.title,
    description: record.description,
    version: v.version,
    license: record.licenseUrl ?? `https://spdx.org/licenses/${record.license}.html`,
    'genesis:spdxLicense': record.license,
    keywords: record.keywords,
    creator: record.creators.map((a) => ({
      '@type': a.kind === 'organization' ? 'sc:Organization' : 'sc:Person',
      name: a.name,
      ...(a.url ? { url: a.url } : {}),
      ...(a.affiliation ? { affiliation: { '@type': 'sc:Organization', name: a.affiliation } } : {})
    })),
    ...(record.citation ? { citeAs: record.citation } : {}),
    ...(record.url ? { url: record.url } : {}),
    conditionsOfAccess: record.accessLevel,
    dateCreated: v.createdAt,
    encodingFormat: 'application/onnx',
    sha256: v.sha256,
    contentSize: `${v.sizeBytes} B`,
    contentUrl: `${base}${routePath('modelWeights', { ns, name, version: v.version })}`,
    'genesis:modelType': c.modelType,
    ...(c.framework ? { 'genesis:framework': c.framework } : {}),
    'genesis:runtime': v.runtime.kind,
    'genesis:intendedUse': c.intendedUse.primaryUses,
    'genesis:intendedUsers': c.intendedUse.primaryUsers,
    'genesis:outOfScopeUse': c.intendedUse.outOfScope,
    'genesis:factors': c.factors,
    'genesis:trainingData': c.trainingData.map((d) => datasetLink(base, d)),
    'genesis:evaluationData': c.evaluationData.map((d) => datasetLink(base, d)),
    'genesis:metrics': c.metrics.map((m) => ({
      '@type': 'sc:PropertyValue',
      name: m.name,
      value: m.value,
      ...(m.unit ? { unitText: m.unit } : {}),
      ...(m.dataset ? { 'genesis:dataset': m.dataset } : {}),
      ...(m.split ? { 'genesis:split': m.split } : {}),
      ...(m.description ? { description: m.description } : {})
    })),
    'genesis:limitations': c.limitations,
    'genesis:failureModes': c.failureModes.map((f) => ({
      'genesis:condition': f.condition,
      'genesis:effect': f.effect
    })),
    ...(c.ethicalConsiderations ? { 'genesis:ethicalConsiderations': c.ethicalConsiderations } : {}),
    'genesis:recommendations': c.recommendations,
    'genesis:signature': {
      'genesis:inputs': v.signature.inputs.map(fieldLd),
      'genesis:outputs': v.signature.outputs.map(fieldLd)
    },
    ...(v.origin.jobId ? { 'genesis:trainedByJob': v.origin.jobId } : {})
  };
}

function fieldLd(f: ModelVersion['signature']['inputs'][number]): Record<string, unknown> {
  return {
    '@type': 'cr:Field',
    name: f.name,
    dataType: f.type,
    ...(f.unit ? { 'genesis:unit': f.unit } : {}),
    'genesis:shape': f.shape,
    ...(f.description ? { description: f.description } : {})
  };
}

/** A YAML scalar: always double-quoted JSON strings, which YAML reads as the same string. */
const q = (s: string) => JSON.stringify(s);

export function cardReadme(record: ModelRecord, v: ModelVersion): string {
  const c = v.card;
  const datasets = [...new Set([...c.trainingData, ...c.evaluationData].map((d) => d.ref))];
  const fm: string[] = ['---', `license: ${q(record.license.toLowerCase())}`];
  if (record.keywords.length) fm.push('tags:', ...record.keywords.map((k) => `  - ${q(k)}`));
  if (datasets.length) fm.push('datasets:', ...datasets.map((d) => `  - ${q(d)}`));
  fm.push(
    `library_name: ${q('onnx')}`,
    `model_name: ${q(record.id)}`,
    `version: ${q(v.version)}`,
    `sha256: ${q(v.sha256)}`
  );
  if (c.metrics.length) {
    fm.push('model-index:', `  - name: ${q(record.id)}`, '    results:');
    for (const m of c.metrics) {
      fm.push(
        '      - task:',
        `          type: ${q('tabular-regression')}`,
        '        dataset:',
        `          name: ${q(m.dataset ?? 'held-out data')}`,
        `          type: ${q(m.dataset ?? 'held-out')}`,
        ...(m.split ? [`          split: ${q(m.split)}`] : []),
        '        metrics:',
        `          - type: ${q(m.name.toLowerCase())}`,
        `            name: ${q(m.name + (m.unit ? ` (${m.unit})` : ''))}`,
        `            value: ${m.value}`
      );
    }
  }
  fm.push('---');
  const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `- ${x}`).join('\n') : '_None stated._');
  const sig = (fs: ModelVersion['signature']['inputs']) =>
    ['| Column | Type | Unit | Description |', '|---|---|---|---|']
      .concat(fs.map((f) => `| \`${f.name}\` | ${f.type} | ${f.unit ?? ''} | ${f.description ?? ''} |`))
      .join('\n');
  const data = (ds: readonly ModelDataRef[]) =>
    ds.length
      ? ds
          .map(
            (d) =>
              `- \`${d.ref}\`${d.split ? ` (${d.split})` : ''}${d.description ? `: ${d.description}` : ''}${d.sha256 ? ` — sha256 \`${d.sha256}\`` : ''}`
          )
          .join('\n')
      : '_None stated._';
  const body = [
    `# ${record.title}`,
    '',
    record.description,
    '',
    '## Model details',
    '',
    `- **Id:** \`${record.id}@${v.version}\``,
    `- **Model type:** ${c.modelType}`,
    ...(c.framework ? [`- **Framework:** ${c.framework}`] : []),
    `- **Runtime:** ${v.runtime.kind}`,
    `- **Weights:** ONNX, ${v.sizeBytes} bytes, sha256 \`${v.sha256}\``,
    `- **Developed by:** ${record.creators.map((a) => a.name).join(', ') || '_not stated_'}`,
    `- **License:** ${record.license}`,
    `- **Access:** ${record.accessLevel}`,
    ...(v.origin.jobId ? [`- **Trained by job:** ${v.origin.jobId}`] : []),
    '',
    '## Uses',
    '',
    '### Intended use',
    '',
    list(c.intendedUse.primaryUses),
    '',
    ...(c.intendedUse.primaryUsers.length ? ['### Intended users', '', list(c.intendedUse.primaryUsers), ''] : []),
    '### Out-of-scope use',
    '',
    list(c.intendedUse.outOfScope),
    '',
    '## Signature',
    '',
    '### Inputs',
    '',
    sig(v.signature.inputs),
    '',
    '### Outputs',
    '',
    sig(v.signature.outputs),
    '',
    '## Training data',
    '',
    data(c.trainingData),
    '',
    '## Evaluation',
    '',
    '### Evaluation data',
    '',
    data(c.evaluationData),
    '',
    '### Metrics',
    '',
    c.metrics.length
      ? ['| Metric | Value | Unit | Data |', '|---|---|---|---|']
          .concat(
            c.metrics.map(
              (m) =>
                `| ${m.name} | ${m.value} | ${m.unit ?? ''} | ${m.dataset ?? ''}${m.split ? ` (${m.split})` : ''} |`
            )
          )
          .join('\n')
      : '_None reported._',
    '',
    '## Bias, risks, and limitations',
    '',
    list(c.limitations),
    '',
    '### Domain failure modes',
    '',
    c.failureModes.length
      ? c.failureModes.map((f) => `- **${f.condition}:** ${f.effect}`).join('\n')
      : '_None stated._',
    '',
    ...(c.ethicalConsiderations ? ['### Ethical considerations', '', c.ethicalConsiderations, ''] : []),
    ...(c.recommendations.length ? ['### Recommendations', '', list(c.recommendations), ''] : []),
    '## Citation',
    '',
    record.citation ? record.citation : '_None given._',
    ''
  ];
  return [...fm, '', ...body].join('\n');
}
