import * as React from 'react';

export interface IRovingListboxOptions<T> {
  items: readonly T[];
  /** The `data-*` value that names an item's option element (`data-key`). */
  keyOf(item: T): string;
  /** Enter (with or without modifiers) on an item. */
  onEnter(item: T, event: React.KeyboardEvent): void;
  /** ArrowUp on the first item (e.g. back to the search box). */
  onExitTop?(): void;
  /** The focus reached one of the last items (load the next page). */
  onNearEnd?(): void;
}

export interface IRovingListbox {
  listProps: {
    ref: React.RefObject<HTMLUListElement>;
    role: 'listbox';
    onKeyDown(e: React.KeyboardEvent): void;
    onFocus(e: React.FocusEvent): void;
  };
  /** Props of the option at `index`: one tab stop for the whole list. */
  optionProps(
    index: number,
    key: string
  ): { role: 'option'; tabIndex: number; 'aria-selected': boolean; 'data-key': string };
  /** Focus the current option (ArrowDown from a search box). */
  focusFirst(): void;
}

/** Items near the end at which `onNearEnd` fires (so the next page loads before it is needed). */
const NEAR_END = 3;

/**
 * A listbox with a roving tab stop (WAI-ARIA APG): Tab enters the list once, on the last
 * focused option; ArrowUp/ArrowDown move, Home/End jump to the ends, Enter acts. Both sidebars
 * (catalog results, jobs) use it, so their keys cannot drift apart.
 */
export function useRovingListbox<T>(options: IRovingListboxOptions<T>): IRovingListbox {
  const { items, keyOf } = options;
  const ref = React.useRef<HTMLUListElement>(null);
  const [active, setActive] = React.useState(0);
  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  const optionsOf = () => Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const nodes = optionsOf();
    const index = nodes.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(index + 1, nodes.length - 1);
    else if (e.key === 'ArrowUp') next = index - 1;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = nodes.length - 1;
    else if (e.key === 'Enter' && items[index] !== undefined) {
      e.preventDefault();
      options.onEnter(items[index]!, e);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    if (next < 0) {
      options.onExitTop?.();
      return;
    }
    nodes[next]?.focus();
    if (next >= nodes.length - NEAR_END) options.onNearEnd?.();
  };
  const onFocus = (e: React.FocusEvent) => {
    const key = (e.target as HTMLElement).dataset.key;
    const i = items.findIndex((item) => keyOf(item) === key);
    if (i >= 0 && i !== active) setActive(i);
  };
  return {
    listProps: { ref, role: 'listbox', onKeyDown, onFocus },
    optionProps: (index, key) => ({
      role: 'option',
      tabIndex: index === activeIndex ? 0 : -1,
      'aria-selected': index === activeIndex,
      'data-key': key
    }),
    focusFirst: () => optionsOf()[activeIndex]?.focus()
  };
}
