import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import { describeError } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/**
 * What every panel shows while the platform is not usable: plainly why, and a Retry
 * button. The client keeps probing by itself, so the banner also goes away on its own.
 */
export function ConnectionBanner(props: { client: IGenesisClient; trans: TranslationBundle }): React.ReactElement {
  const { client, trans } = props;
  return (
    <UseSignal signal={client.connectionChanged} initialSender={client} initialArgs={client.connection}>
      {() => <Banner client={client} trans={trans} state={client.connection} />}
    </UseSignal>
  );
}

function Banner(props: { client: IGenesisClient; trans: TranslationBundle; state: IConnectionState }) {
  const { client, trans, state } = props;
  const [actionError, setActionError] = React.useState<string | null>(null);
  if (state.status === 'connected') return null;
  if (state.status === 'connecting') {
    return (
      <div className="jp-Genesis-banner jp-mod-info" role="status">
        {state.url
          ? trans.__('Connecting to the Genesis platform at %1…', state.url)
          : trans.__('Connecting to the Genesis platform…')}
      </div>
    );
  }
  const title =
    state.status === 'unreachable'
      ? trans.__('Genesis platform unreachable')
      : trans.__('Genesis platform refused the connection');
  return (
    <div className="jp-Genesis-banner jp-mod-error" role="alert" data-status={state.status}>
      <div className="jp-Genesis-bannerTitle">{title}</div>
      <div className="jp-Genesis-bannerMessage">{state.message}</div>
      {state.hint &&
        (state.hint.length > 160 || state.hint.includes('\n') ? (
          <details className="jp-Genesis-bannerDetails">
            <summary>{trans.__('Details')}</summary>
            <pre>{state.hint}</pre>
          </details>
        ) : (
          <div className="jp-Genesis-bannerHint">{state.hint}</div>
        ))}
      <div className="jp-Genesis-bannerActions">
        {state.startable && (
          <button
            className="jp-Button jp-mod-styled jp-mod-accept"
            onClick={() => {
              setActionError(null);
              client.controlPlatform('start').catch((err: unknown) => setActionError(describeError(err)));
            }}
          >
            {trans.__('Start platform')}
          </button>
        )}
        <button
          className={`jp-Button jp-mod-styled${state.startable ? '' : ' jp-mod-accept'}`}
          onClick={() => void client.retry()}
        >
          {trans.__('Retry')}
        </button>
        {state.status === 'unreachable' && (
          <span className="jp-Genesis-muted">{trans.__('Retrying automatically…')}</span>
        )}
      </div>
      {actionError && <div className="jp-Genesis-bannerHint">{actionError}</div>}
    </div>
  );
}
