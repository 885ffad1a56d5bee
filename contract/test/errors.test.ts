import { z } from 'zod';
import { validationError } from '../src';

const Meta = z.object({ title: z.string(), license: z.string(), tags: z.array(z.string()).optional() });

function errorOf(schema: z.ZodType, value: unknown, root: string) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a validation error');
  return validationError(root, r.error);
}

describe('validationError', () => {
  it('says a missing field is missing, not that undefined has the wrong type', () => {
    const e = errorOf(Meta, { title: 'x' }, 'metadata');
    expect(e.message).toBe('Invalid metadata at metadata.license: required (string) but missing');
    expect(e.issues).toEqual([{ path: 'metadata.license', message: 'required (string) but missing' }]);
  });

  it('keeps zod’s words for a present value of the wrong type, naming the JSON path', () => {
    const e = errorOf(Meta, { title: 'x', license: 'MIT', tags: ['a', 3] }, 'metadata');
    expect(e.message).toMatch(/^Invalid metadata at metadata\.tags\[1\]: .*expected string, received number/);
  });

  it('does not repeat the name when the whole input is wrong', () => {
    const e = errorOf(z.enum(['auto', 'none']), 'fancy', '--progress');
    expect(e.message).toMatch(/^Invalid --progress: /);
  });
});
