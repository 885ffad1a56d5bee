import fc from 'fast-check';
import type { z } from 'zod';

/**
 * Hostile input for the fuzz tests: strings and JSON that break parsers, path handling and
 * terminals. Each piece is there for a reason named beside it.
 */
export const TRICKY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000', // NUL: C strings, SQLite text, file names
  'a\u0000b',
  '\ud800', // lone high surrogate: invalid UTF-16, not encodable as UTF-8
  '\udfff', // lone low surrogate
  '\u202e', // RTL override: reverses what a terminal shows
  'evil\u202etxt.exe',
  '\u200f\u200e', // RTL/LTR marks
  '\u200b', // zero-width space
  '\ufeff', // BOM
  'аdmin', // Cyrillic "а": a homoglyph of "admin"
  'co２', // full-width digit
  'ﬁle', // ligature: NFKC-folds to "file"
  '../../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e%2f%2e%2e%2f',
  '/etc/passwd',
  '.',
  '..',
  'a/b',
  '$(id)',
  '`id`',
  '; rm -rf /',
  '\'"',
  '\n#SBATCH --uid=0',
  '\r\n',
  '{"$ne":null}',
  'null',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  'latest',
  '0x41',
  '<script>alert(1)</script>',
  'x'.repeat(10_000),
  '😀'.repeat(1000),
  'Ω≈ç√∫'
];

/** A string that is hostile often and random otherwise (unicode, any length up to 300). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...TRICKY_STRINGS), fc.string({ maxLength: 20 })).map(([a, b]) => a + b)
  }
);

/** A JSON nesting `depth` levels deep: `[[[...]]]` or `{"a":{"a":...}}`. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Any JSON value, with hostile strings in it. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.constantFrom(null, true, false, -0, 1e308, Number.MAX_SAFE_INTEGER + 2),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 5 })
  )
})).value;

/** The keys of an object schema (through optional/default/pipe wrappers), or none. */
export function schemaKeys(schema: z.ZodType | undefined): string[] {
  let s: unknown = schema;
  for (let i = 0; i < 8 && s; i++) {
    const def = (s as { def?: Record<string, unknown> }).def;
    const shape = (s as { shape?: Record<string, unknown> }).shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    s = def?.in ?? def?.innerType ?? def?.schema;
  }
  return [];
}

/** An object with the schema's own keys (so validation goes past "unknown key") holding hostile values. */
export function objectFor(schema: z.ZodType | undefined): fc.Arbitrary<Record<string, unknown>> {
  const keys = schemaKeys(schema);
  const known =
    keys.length > 0
      ? fc.record(Object.fromEntries(keys.map((k) => [k, hostileJson])), { requiredKeys: [] })
      : fc.constant({});
  return fc
    .tuple(known, fc.dictionary(hostileString, hostileJson, { maxKeys: 2 }), fc.boolean())
    .map(([a, extra, withExtra]) => (withExtra ? { ...extra, ...a } : a));
}

/**
 * Raw request bodies that are not what a JSON parser expects: overlong UTF-8 ("/" as C0 AF,
 * NUL as C0 80), lone continuation bytes, a truncated sequence, CESU-8 surrogates, deep nesting.
 */
export const RAW_BODIES: readonly Buffer[] = [
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), // {"a":"<overlong />"}
  Buffer.from([0x7b, 0x22, 0xc0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), // {"<overlong NUL>":1}
  Buffer.from([0x22, 0xe0, 0x80, 0xaf, 0x22]), // 3-byte overlong "/"
  Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), // CESU-8 lone surrogate
  Buffer.from([0x5b, 0x80, 0x5d]), // [<continuation byte>]
  Buffer.from([0x22, 0xf0, 0x9f, 0x98]), // truncated emoji
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16LE with BOM
  Buffer.from('{"a":1,"a":2}'),
  Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
  Buffer.from('{"a":"\\ud800"}'),
  Buffer.from('{"a":"\\u0000"}'),
  Buffer.from('[1,2,'),
  Buffer.from(''),
  Buffer.from('   '),
  Buffer.from('1e999999'),
  Buffer.from(deepJson(10_000, 'array')),
  Buffer.from(deepJson(10_000, 'object'))
];
