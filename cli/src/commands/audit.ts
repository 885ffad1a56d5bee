import type { Command } from 'commander';
import { GenesisClient } from '@genesis-lab/client';
import type { AuditPage } from '@genesis-lab/contract';

/** `genesis audit verify|rotate-key|export`: check the audit log's keyed hash chain, rotate its key, export it. */
export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('The hash-chained audit log: verify it, rotate its key, export it');
  audit
    .command('verify')
    .description(
      'Check every entry hash and link; exits 1 naming the first edited, removed, inserted or reordered entry'
    )
    .option('--json', 'print JSON')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(async (o: { json?: boolean; home?: string }) => {
      const r = await new GenesisClient({ home: o.home }).call('verifyAudit');
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else if (r.ok) process.stdout.write(`audit log ok: ${r.entries} entries, chain intact\n`);
      else process.stdout.write(`audit log BROKEN at entry ${r.firstBad!.seq}: ${r.firstBad!.reason}\n`);
      if (!r.ok) process.exitCode = 1;
    });
  audit
    .command('rotate-key')
    .description(
      'Sign later entries with a new audit key (kept in the home, never in the database); earlier entries keep verifying with theirs'
    )
    .option('--json', 'print JSON')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(async (o: { json?: boolean; home?: string }) => {
      const r = await new GenesisClient({ home: o.home }).call('rotateAuditKey');
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else
        process.stdout.write(
          `audit key rotated: entries from ${r.fromSeq} on are signed with ${r.keyId} (${r.keys} keys)\n`
        );
    });
  audit
    .command('export')
    .description('Every entry as JSON lines, oldest first (with seq, hashes and links, so a reviewer can re-verify)')
    .option('--after <seq>', 'only entries after this one', '0')
    .option('--actor <user>', 'only entries by this user')
    .option('--action <action>', 'only this action, or every action under a prefix (token: token.create, token.revoke)')
    .option('--since <time>', 'only entries at or after this ISO time')
    .option('--until <time>', 'only entries before this ISO time')
    .option('--home <dir>', "find the platform through this home's discovery file")
    .action(
      async (o: { after: string; actor?: string; action?: string; since?: string; until?: string; home?: string }) => {
        const client = new GenesisClient({ home: o.home });
        const filters = { actor: o.actor, action: o.action, since: o.since, until: o.until };
        let after: number | undefined = Number(o.after);
        while (after !== undefined) {
          const page: AuditPage = await client.call('audit', { query: { ...filters, after, limit: 1000 } });
          for (const e of page.entries) process.stdout.write(JSON.stringify(e) + '\n');
          after = page.next;
        }
      }
    );
}
