import { parseRef, type DatasetRecord, type Ref } from '@genesis-lab/contract';
export function probe(s: string): Ref {
  return parseRef(s);
}
export type Rec = DatasetRecord;
