import * as React from 'react';
import type { IConnectionState, IGenesisClient } from '../tokens';
import { describeError } from '../client/errors';
import { useSignal } from './useSignal';

/**
 * What every panel shows while the platform is not usable: plainly why, and a Retry
 * button. The client keeps probing by itself, so the banner also goes away on its own.
 */
export function ConnectionBanner(props: { client: IGenesisClient }): React.ReactElement | null {
  const { client } = props;
  useSignal(client.connectionChanged);
  const [actionError, setActionError] = React.useState<string | null>(null);
  const state: IConnectionState = client.connection;
  if (state.status === 'connected') return null;
  if (state.status === 'connecting') {
    return (
      <div className="jp-Genesis-banner jp-mod-info" role="status">
        Connecting to the Genesis platform{state.url ? ` at ${state.url}` : ''}…
      </div>
    );
  }
  const title =
    state.status === 'unreachable' ? 'Genesis platform unreachable' : 'Genesis platform refused the connection';
  return (
    <div className="jp-Genesis-banner jp-mod-error" role="alert" data-status={state.status}>
      <div className="jp-Genesis-bannerTitle">{title}</div>
      <div className="jp-Genesis-bannerMessage">{state.message}</div>
      {state.hint &&
        (state.hint.length > 160 || state.hint.includes('\n') ? (
          <details className="jp-Genesis-bannerDetails">
            <summary>Details</summary>
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
            Start platform
          </button>
        )}
        <button
          className={`jp-Button jp-mod-styled${state.startable ? '' : ' jp-mod-accept'}`}
          onClick={() => void client.retry()}
        >
          Retry
        </button>
        {state.status === 'unreachable' && <span className="jp-Genesis-muted">Retrying automatically…</span>}
      </div>
      {actionError && <div className="jp-Genesis-bannerHint">{actionError}</div>}
    </div>
  );
}
