import type { AccessLevel } from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/** How an access level reads on a badge and a facet. */
export function accessText(trans: TranslationBundle, level: AccessLevel): string {
  switch (level) {
    case 'open':
      return trans.__('Open');
    case 'controlled':
      return trans.__('Controlled');
    case 'export-controlled':
      return trans.__('Export-controlled');
  }
}

function accessHelp(trans: TranslationBundle, level: AccessLevel): string {
  switch (level) {
    case 'open':
      return trans.__('Anyone may read the data');
    case 'controlled':
      return trans.__('Only users cleared for controlled data may read it');
    case 'export-controlled':
      return trans.__('Export-controlled: only cleared users, only on cleared facilities');
  }
}

export function AccessBadge(props: { level: AccessLevel; trans: TranslationBundle }): React.ReactElement {
  return (
    <span
      className={`jp-Genesis-badge jp-Genesis-access jp-mod-${props.level}`}
      title={accessHelp(props.trans, props.level)}
    >
      {accessText(props.trans, props.level)}
    </span>
  );
}

/** A model among the search results (datasets have no kind badge: they are the default). */
export function ModelBadge(props: { trans: TranslationBundle }): React.ReactElement {
  return (
    <span
      className="jp-Genesis-badge jp-Genesis-kind jp-mod-model"
      title={props.trans.__('A model: call it on a table with genesis.model(ref).predict(table)')}
    >
      {props.trans.__('Model')}
    </span>
  );
}

/** The licence; with `link`, a link to its text (SPDX page unless the record names one). */
export function LicenseBadge(props: {
  license: string;
  url?: string;
  link?: boolean;
  trans: TranslationBundle;
}): React.ReactElement {
  const text = (
    <span className="jp-Genesis-badge jp-Genesis-license" title={props.trans.__('Licence: %1', props.license)}>
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
