import type { Command } from 'commander';
import { GenesisClient } from '@genesis-lab/client';
import { MembershipChange, ProjectCreate, UserUpsert, type Project } from '@genesis-lab/contract';
import { parseCliOptions } from '../options';

export function formatProjects(projects: readonly Project[]): string {
  if (!projects.length) return 'No projects.\n';
  return (
    projects
      .map(
        (p) => `${p.id}  ${p.title}\n${p.members.map((m) => `  ${m.user} (${m.role})`).join('\n') || '  no members'}`
      )
      .join('\n') + '\n'
  );
}

/**
 * `genesis users set` and `genesis projects list|create|member`: users, projects and memberships
 * through the platform's routes (so the same policy decides: admins, and a project's maintainers).
 */
export function registerProjects(program: Command): void {
  const home = ['--home <dir>', "find the platform through this home's discovery file"] as const;
  const users = program.command('users').description('Platform users and their clearances (admins)');
  users
    .command('set')
    .description("Create a user or change a user's clearances")
    .argument('<name>', 'user name')
    .option(
      '--clearance <level>',
      'open|controlled|export-controlled, repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[]
    )
    .option('--admin', 'make the user an administrator')
    .option(...home)
    .action(async (name: string, o: { clearance: string[]; admin?: boolean; home?: string }) => {
      const body = parseCliOptions(
        UserUpsert,
        { name, clearances: o.clearance.length ? o.clearance : undefined, admin: o.admin === true },
        { name: 'user name', clearances: '--clearance' }
      );
      const u = await new GenesisClient({ home: o.home }).call('upsertUser', { params: { user: name }, body });
      process.stdout.write(`${u.name}: cleared for ${u.clearances.join(', ')}${u.admin ? ' (admin)' : ''}\n`);
    });
  users
    .command('list')
    .description('Every user with clearances and projects')
    .option(...home)
    .action(async (o: { home?: string }) => {
      const r = await new GenesisClient({ home: o.home }).call('listUsers');
      for (const u of r.users)
        process.stdout.write(
          `${u.name}${u.admin ? ' (admin)' : ''}: ${u.clearances.join(', ')}; ${
            Object.entries(u.projects)
              .map(([p, role]) => `${p}:${role}`)
              .join(', ') || 'no projects'
          }\n`
        );
    });

  const projects = program.command('projects').description('Projects and their members');
  projects
    .command('list')
    .description('Your projects (admins: all)')
    .option('--json', 'print JSON')
    .option(...home)
    .action(async (o: { json?: boolean; home?: string }) => {
      const r = await new GenesisClient({ home: o.home }).call('listProjects');
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : formatProjects(r.projects));
    });
  projects
    .command('create')
    .description('Create a project (admins)')
    .argument('<id>', 'project id (a-z 0-9 -)')
    .requiredOption('--title <title>', 'what the project is')
    .option(...home)
    .action(async (id: string, o: { title: string; home?: string }) => {
      const body = parseCliOptions(ProjectCreate, { id, title: o.title }, { id: 'project id' });
      const p = await new GenesisClient({ home: o.home }).call('createProject', { body });
      process.stdout.write(formatProjects([p]));
    });
  projects
    .command('member')
    .description("Add a member, change a member's role (viewer|contributor|maintainer), or remove them (--remove)")
    .argument('<project>', 'project id')
    .argument('<user>', 'user name')
    .option('--role <role>', 'viewer|contributor|maintainer', 'viewer')
    .option('--remove', 'remove the member')
    .option(...home)
    .action(async (project: string, user: string, o: { role: string; remove?: boolean; home?: string }) => {
      const body = parseCliOptions(MembershipChange, { user, role: o.remove ? null : o.role }, { user: 'user name' });
      const p = await new GenesisClient({ home: o.home }).call('setMember', { params: { project }, body });
      process.stdout.write(formatProjects([p]));
    });
}
