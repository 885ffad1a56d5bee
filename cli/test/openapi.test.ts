import * as fs from 'node:fs';
import * as path from 'node:path';
import { routes } from '@genesis-lab/contract';
import { renderOpenApi } from '../src/commands/openapi';

const committed = path.resolve(__dirname, '../../docs/openapi.json');

describe('OpenAPI document', () => {
  const doc = JSON.parse(renderOpenApi()) as { paths: Record<string, Record<string, { operationId: string }>> };

  it('has one operation per route of the contract', () => {
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(Object.keys(routes).sort());
  });

  it('is committed up to date in docs/openapi.json (regenerate: genesis openapi -o docs/openapi.json)', () => {
    expect(fs.readFileSync(committed, 'utf8')).toBe(renderOpenApi());
  });
});
