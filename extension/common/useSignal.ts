import type { ISignal } from '@lumino/signaling';
import { useEffect, useReducer } from 'react';

/**
 * Re-render a React component whenever `signal` fires. Models own the state; components
 * read it during render and subscribe with this hook.
 */
export function useSignal(signal: ISignal<unknown, unknown> | null | undefined): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!signal) return undefined;
    const slot = () => bump();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}
