import type { Identity } from '@genesis-lab/contract';
import type { TranslationBundle } from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';
import type { IConnectionState, IGenesisClient } from '../tokens';

/**
 * Who the panels act as: the platform user of the lab's token, their clearances and projects
 * with roles. Asked once per connection (identity changes only with the token).
 */
export function IdentityLine(props: { client: IGenesisClient; trans: TranslationBundle }): React.ReactElement {
  const { client, trans } = props;
  return (
    <UseSignal signal={client.connectionChanged} initialSender={client} initialArgs={client.connection}>
      {(_, state) => (
        <Line client={client} trans={trans} connected={(state as IConnectionState).status === 'connected'} />
      )}
    </UseSignal>
  );
}

function Line(props: {
  client: IGenesisClient;
  trans: TranslationBundle;
  connected: boolean;
}): React.ReactElement | null {
  const { client, trans, connected } = props;
  const [identity, setIdentity] = React.useState<Identity | null>(null);
  React.useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    client.identity(controller.signal).then(setIdentity, () => setIdentity(null));
    return () => controller.abort();
  }, [client, connected]);
  if (!identity) return null;
  const projects = Object.entries(identity.projects);
  const roleText = (role: string) =>
    role === 'maintainer'
      ? trans.__('maintainer')
      : role === 'contributor'
        ? trans.__('contributor')
        : trans.__('viewer');
  return (
    <div
      className="jp-Genesis-identity"
      data-user={identity.user}
      title={trans.__('Cleared for: %1. Token scopes: %2', identity.clearances.join(', '), identity.scopes.join(', '))}
    >
      <span className="jp-Genesis-identityUser">
        {identity.admin
          ? trans.__('Signed in as %1 (admin)', identity.user)
          : trans.__('Signed in as %1', identity.user)}
      </span>
      <span className="jp-Genesis-identityProjects">
        {projects.length
          ? trans.__('Projects: %1', projects.map(([p, role]) => `${p} (${roleText(role)})`).join(', '))
          : identity.admin
            ? trans.__('All projects')
            : trans.__('No projects: open and public records only')}
      </span>
    </div>
  );
}
