import type { AccessLevel } from '@genesis-lab/contract';
import * as React from 'react';

export const ACCESS_TEXT: Record<AccessLevel, string> = {
  open: 'Open',
  controlled: 'Controlled',
  'export-controlled': 'Export-controlled'
};

const ACCESS_HELP: Record<AccessLevel, string> = {
  open: 'Anyone may read the data',
  controlled: 'Only users cleared for controlled data may read it',
  'export-controlled': 'Export-controlled: only cleared users, only on cleared facilities'
};

export function AccessBadge(props: { level: AccessLevel }): React.ReactElement {
  return (
    <span className={`jp-Genesis-badge jp-Genesis-access jp-mod-${props.level}`} title={ACCESS_HELP[props.level]}>
      {ACCESS_TEXT[props.level]}
    </span>
  );
}

/** The licence; with `link`, a link to its text (SPDX page unless the record names one). */
export function LicenseBadge(props: { license: string; url?: string; link?: boolean }): React.ReactElement {
  const text = (
    <span className="jp-Genesis-badge jp-Genesis-license" title={`Licence: ${props.license}`}>
      {props.license}
    </span>
  );
  if (!props.link) return text;
  // SPDX ids have a page each; expressions and LicenseRef- ids do not.
  const spdx = /^[A-Za-z0-9.+-]+$/.test(props.license) && !props.license.startsWith('LicenseRef-');
  const href = props.url ?? (spdx ? `https://spdx.org/licenses/${props.license}.html` : undefined);
  if (!href) return text;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
      {text}
    </a>
  );
}
