import type { Command } from 'commander';
import { JobsClient } from '@genesis-lab/client';
import { formatBytes, type FacilityInfo } from '@genesis-lab/contract';

function bytes(n: number | null): string {
  return n === null ? '-' : formatBytes(n);
}
function secs(n: number | null): string {
  if (n === null) return 'none';
  return n % 3600 === 0 ? `${n / 3600}h` : n % 60 === 0 ? `${n / 60}m` : `${n}s`;
}

export function formatFacilities(list: FacilityInfo[]): string {
  const lines: string[] = [];
  for (const f of list) {
    const c = f.capabilities;
    lines.push(
      `${f.name} (${f.kind}) ${f.healthy ? 'healthy' : 'UNHEALTHY'}: ${f.title}${f.message ? ` - ${f.message}` : ''}`
    );
    lines.push(`  queue: ${f.queue.queued} queued, ${f.queue.held} held, ${f.queue.active} active`);
    lines.push(
      `  limits: ${c.maxNodes ?? '-'} node(s), ${c.maxCpusPerNode ?? '-'} cpus/node, ${c.maxGpusPerNode ?? 0} gpus/node, ${bytes(c.maxMemoryBytes)} memory/node, max time ${secs(c.maxDurationSeconds)}`
    );
    lines.push(
      `  queues: ${c.queues.length ? c.queues.join(', ') : '-'}; hold ${c.supportsHold ? 'yes' : 'no'}; transport ${c.transport}; clearance ${f.clearance}`
    );
    if (c.customAttributes.length) lines.push(`  attributes: ${c.customAttributes.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

export function registerFacilities(program: Command): void {
  program
    .command('facilities')
    .description('List the facilities jobs can run on, with health, queue and capabilities')
    .option('--refresh', 'probe every facility again first, and re-read the facilities configuration')
    .option('--json', 'print JSON')
    .option('--home <dir>', 'GENESIS_HOME of the platform to use')
    .action(async (o: { refresh?: boolean; json?: boolean; home?: string }) => {
      const client = new JobsClient({ home: o.home });
      if (!o.refresh) {
        const list = await client.facilities();
        process.stdout.write(o.json ? JSON.stringify({ facilities: list }, null, 2) + '\n' : formatFacilities(list));
        return;
      }
      const r = await client.client.call('refreshFacilities');
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      for (const name of r.added) process.stdout.write(`new facility: ${name}\n`);
      for (const note of r.notes) process.stderr.write(`note: ${note}\n`);
      process.stdout.write(formatFacilities(r.facilities));
    });
}
