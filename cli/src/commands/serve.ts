import type { Command } from 'commander';
import { parseCliOptions } from '../options';
import { PlatformConfig, startPlatform } from '@genesis-lab/platform';
import { JOB_ENTRY, kernelEnvironments } from '@genesis-lab/notebook-runner';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the platform service (HTTP API under /api, socket.io) on its embedded defaults')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8787')
    .option('--home <dir>', 'GENESIS_HOME (default ~/.genesis)')
    .option('--facilities <file>', 'facilities file (default $GENESIS_HOME/facilities.json)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug', 'warn')
    .option('--cors-origin <origin...>', 'browser origins allowed to call the API directly')
    .option(
      '--clearance <level...>',
      'access levels the owner token is cleared for (open, controlled, export-controlled); env GENESIS_CLEARANCES'
    )
    .option(
      '--staging-root <dir...>',
      'host directories stage-in may read and stage-out may write (default: anywhere but the platform home)'
    )
    .option('--body-limit <bytes>', 'largest request body accepted (413 above it)')
    .option('--rate-limit <perMinute>', 'requests per minute per token (0: no limit)')
    .option(
      '--kernel-environment <prefix...>',
      'Python environments whose kernels reproductions run in (also env GENESIS_KERNEL_ENVIRONMENTS; the active one and the genesis_lab install are added)'
    )
    .action(
      async (opts: {
        host: string;
        port: string;
        home?: string;
        facilities?: string;
        logLevel: string;
        corsOrigin?: string[];
        clearance?: string[];
        stagingRoot?: string[];
        bodyLimit?: string;
        kernelEnvironment?: string[];
        rateLimit?: string;
      }) => {
        const config = parseCliOptions(
          PlatformConfig,
          {
            host: opts.host,
            port: opts.port,
            home: opts.home ?? process.env.GENESIS_HOME,
            facilitiesFile: opts.facilities,
            logLevel: opts.logLevel,
            corsOrigins: opts.corsOrigin ?? [],
            clearances: opts.clearance ?? process.env.GENESIS_CLEARANCES?.split(',').map((s) => s.trim()) ?? undefined,
            // Reproductions the extension starts run the runner's job program.
            reproductionProgram: JOB_ENTRY,
            // ...and find their kernel whatever shell started this platform.
            kernelEnvironments: kernelEnvironments(opts.kernelEnvironment ?? []),
            stagingRoots: opts.stagingRoot ?? [],
            bodyLimitBytes: opts.bodyLimit,
            rateLimitPerMinute: opts.rateLimit ?? process.env.GENESIS_RATE_LIMIT
          },
          {
            facilitiesFile: '--facilities',
            corsOrigins: '--cors-origin',
            clearances: '--clearance',
            stagingRoots: '--staging-root',
            bodyLimitBytes: '--body-limit',
            rateLimitPerMinute: '--rate-limit',
            kernelEnvironments: '--kernel-environment'
          }
        );
        const platform = await startPlatform(config);
        process.stdout.write(
          `Genesis platform ${platform.ctx.version} listening on ${platform.url} (home ${platform.ctx.home.root})\n`
        );
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          process.stdout.write(`Received ${signal}, shutting down\n`);
          platform.close().then(
            () => process.exit(0),
            (err) => {
              process.stderr.write(`shutdown failed: ${String(err)}\n`);
              process.exit(1);
            }
          );
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      }
    );
}
