import { formatRef, parseRef, type Ref } from '@genesis-lab/contract';
import { rethrowPresentable } from '@genesis-lab/client';
import type { GenesisContext } from './context';

/**
 * What a dataset and a model share from a cell: the catalog ref as written (`namespace/name` =
 * latest, or `namespace/name@version`), parsed once. A malformed ref fails where it is written
 * with the contract's own message, the same for both.
 */
export abstract class CatalogRef {
  /** The ref as written. */
  readonly ref: string;
  readonly id: string;
  /** The version the ref names, or undefined for latest. */
  readonly version: string | undefined;
  protected readonly parsed: Ref;

  protected constructor(
    protected readonly ctx: GenesisContext,
    ref: string
  ) {
    try {
      this.parsed = parseRef(ref);
    } catch (err) {
      rethrowPresentable(err);
    }
    this.ref = ref;
    this.id = this.parsed.id;
    this.version = this.parsed.version;
  }

  /** The route params naming this record. */
  protected get params(): { ns: string; name: string } {
    return { ns: this.parsed.namespace, name: this.parsed.name };
  }

  toString(): string {
    return formatRef({ id: this.id, ...(this.version ? { version: this.version } : {}) });
  }
}
