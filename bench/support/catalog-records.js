'use strict';
/**
 * Synthetic but realistic catalog records from bench/search-vocabulary.json, the same every
 * run (a seeded generator): the catalog bench:search and bench:extension search.
 */
const VOCABULARY = require('../search-vocabulary.json');

/** mulberry32: a small seeded generator, so every run builds the same catalog and queries. */
function generator(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const V = VOCABULARY;
const DOMAIN_NAMES = Object.keys(V.domains);
const ALL_VARIABLES = Object.values(V.domains).flat();

function slug(s, max = 40) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

function makeRecord(i, rand) {
  /** Zipf-ish pick: early items are much more common, like real vocabularies. */
  const pick = (arr, skew = 1.2) => arr[Math.min(arr.length - 1, Math.floor(arr.length * Math.pow(rand(), skew)))];
  const some = (arr, n, skew) => [...new Set(Array.from({ length: n }, () => pick(arr, skew)))];
  const domain = pick(DOMAIN_NAMES, 1.1);
  const base = some(V.domains[domain], 1 + Math.floor(rand() * 3), 1.3);
  const vars = base.map((v) => (rand() < 0.4 ? `${pick(V.qualifiers)} ${v}` : v));
  const place = pick(V.places, 1.6);
  const instrument = pick(V.instruments, 1.3);
  const publisher = pick(V.publishers, 1.4);
  const project = pick(V.projects, 1.3);
  const cadence = pick(V.cadences);
  const start = 1950 + Math.floor(rand() * 70);
  const end = Math.min(2025, start + 1 + Math.floor(rand() * 30));
  const station = `${place
    .slice(0, 3)
    .toUpperCase()
    .replace(/[^A-Z]/g, 'X')}${100 + Math.floor(rand() * 900)}`;
  const fill = {
    domain,
    publisher,
    project,
    station,
    cadence,
    instrument,
    minor: `${1 + Math.floor(rand() * 4)}.${Math.floor(rand() * 10)}`
  };
  const sentence = (t) => t.replace(/\{(\w+)\}/g, (_, k) => (k === 'anyVariable' ? pick(ALL_VARIABLES) : fill[k]));
  const title = `${cadence[0].toUpperCase()}${cadence.slice(1)} ${vars.join(' and ')} ${place === 'global' ? 'worldwide' : `at ${place}`} ${start}-${end}`;
  const description =
    `${vars.map((v) => v[0].toUpperCase() + v.slice(1)).join(', ')} measured by ${instrument} ${place === 'global' ? 'across the globe' : `in the ${place} region`}, ` +
    `${cadence} from ${start} to ${end} (${project}). ` +
    some(V.sentences, 2, 1).map(sentence).join(' ');
  const r = rand();
  const accessLevel = r < 0.9 ? 'open' : r < 0.97 ? 'controlled' : 'export-controlled';
  const fields = base.map((v) => ({ name: slug(v).replace(/-/g, '_'), unit: V.units[v] || '1' }));
  return {
    id: `${slug(publisher, 20)}/${slug(vars[0], 24)}-${i}`,
    title,
    description,
    keywords: [...base, domain, place, project].slice(0, 6),
    creators: [
      { name: `${pick(V.surnames)}, ${String.fromCharCode(65 + Math.floor(rand() * 26))}.`, affiliation: publisher }
    ],
    publisher: { name: publisher },
    license: pick(V.licenses, 1.5),
    accessLevel,
    domain,
    temporalCoverage: { start: String(start), end: String(end) },
    fieldInfo: Object.fromEntries(fields.map((f) => [f.name, { unit: f.unit }])),
    formats: [pick(V.formats, 1.5)],
    updatedAt: new Date(Date.UTC(2015, 0, 1) + Math.floor(rand() * 3e11)).toISOString()
  };
}

module.exports = { generator, makeRecord, slug, V, DOMAIN_NAMES, ALL_VARIABLES };
