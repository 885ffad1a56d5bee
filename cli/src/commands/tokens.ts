import type { Command } from 'commander';
import { GenesisClient } from '@genesis-lab/client';
import { TokenCreate, TokenId, parseOrThrow, type TokenInfo } from '@genesis-lab/contract';
import { parseCliOptions } from '../options';

export function formatTokens(tokens: readonly TokenInfo[]): string {
  if (!tokens.length) return 'No tokens.\n';
  const rows = tokens.map((t) => {
    const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry';
    return `${t.id}  ${t.user.padEnd(12)}  ${t.name.padEnd(20)}  ${t.scopes.join(',').padEnd(20)}  ${state}`;
  });
  return rows.join('\n') + '\n';
}

/** `genesis tokens create|list|revoke`: API tokens of the signed-in user (admins: anyone's). */
export function registerTokens(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Create, list and revoke API tokens (stored hashed; a secret is shown once)');
  tokens
    .command('create')
    .description('Create a token; prints its secret once (the platform keeps only its sha256)')
    .requiredOption('--name <name>', 'what the token is for')
    .option(
      '--scope <scope>',
      'read|write|run|admin, repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[]
    )
    .option('--user <user>', "another user's token (admins)")
    .option('--expires-in-days <n>', 'days until it stops working', '90')
    .option('--json', 'print JSON')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(
      async (o: {
        name: string;
        scope: string[];
        user?: string;
        expiresInDays: string;
        json?: boolean;
        home?: string;
      }) => {
        const body = parseCliOptions(
          TokenCreate,
          {
            name: o.name,
            scopes: o.scope.length ? o.scope : undefined,
            ...(o.user ? { user: o.user } : {}),
            expiresInDays: Number(o.expiresInDays)
          },
          { scopes: '--scope' }
        );
        const created = await new GenesisClient({ home: o.home }).call('createToken', { body });
        if (o.json) return void process.stdout.write(JSON.stringify(created, null, 2) + '\n');
        process.stderr.write(
          `token ${created.id} for ${created.user} (${created.scopes.join(', ')}), expires ${created.expiresAt}\n`
        );
        process.stderr.write('This secret is shown once; store it now:\n');
        process.stdout.write(created.token + '\n');
      }
    );
  tokens
    .command('list')
    .description('Your tokens (admins: everyone’s), without secrets')
    .option('--json', 'print JSON')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(async (o: { json?: boolean; home?: string }) => {
      const r = await new GenesisClient({ home: o.home }).call('listTokens');
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : formatTokens(r.tokens));
    });
  tokens
    .command('revoke')
    .description('Revoke a token: it stops working at once')
    .argument('<id>', 'the token id (tok_...)')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(async (id: string, o: { home?: string }) => {
      const tokenId = parseOrThrow(TokenId, id, 'token id');
      const t = await new GenesisClient({ home: o.home }).call('revokeToken', { params: { tokenId } });
      process.stdout.write(`revoked ${t.id} (${t.user}, ${t.name}) at ${t.revokedAt}\n`);
    });
}
