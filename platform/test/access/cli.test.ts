import { runCli, startPlatformProcess, type PlatformProcess } from '@genesis-lab/test-support';

/** The access commands of the CLI against a real platform: as the local admin, then as a new user with their token. */
let p: PlatformProcess;
beforeAll(async () => {
  p = await startPlatformProcess();
}, 30000);
afterAll(async () => {
  await p?.stop();
});

const ok = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = runCli([...args, ...(env.GENESIS_TOKEN ? [] : ['--home', p.home])], env);
  if (r.status !== 0) throw new Error(`genesis ${args.join(' ')}: ${r.status}\n${r.stderr}`);
  return r.stdout;
};

it('users, projects, members and tokens; a user token sees only its own projects and tokens', () => {
  expect(ok(['users', 'set', 'dana', '--clearance', 'open', '--clearance', 'controlled'])).toMatch(
    /dana: cleared for open, controlled/
  );
  expect(ok(['projects', 'create', 'climate', '--title', 'Climate'])).toMatch(/climate {2}Climate/);
  ok(['projects', 'create', 'other', '--title', 'Other']);
  expect(ok(['projects', 'member', 'climate', 'dana', '--role', 'maintainer'])).toMatch(/dana \(maintainer\)/);
  const secret = ok([
    'tokens',
    'create',
    '--name',
    'dana-cli',
    '--user',
    'dana',
    '--scope',
    'read',
    '--scope',
    'write'
  ]).trim();
  expect(secret).toMatch(/^gl_/);
  const asDana = { GENESIS_URL: p.url, GENESIS_TOKEN: secret };
  const mine = ok(['projects', 'list'], asDana);
  expect(mine).toMatch(/climate/);
  expect(mine).not.toMatch(/other/);
  expect(ok(['tokens', 'list'], asDana)).toMatch(/dana-cli/);
  expect(ok(['tokens', 'list'], asDana)).not.toMatch(/discovery/);
  // Not an admin: refused, saying which scope is missing.
  const users = runCli(['users', 'list'], asDana);
  expect(users.status).not.toBe(0);
  expect(users.stderr).toMatch(/"admin" scope/);
  // Bad input is named by its flag.
  const bad = runCli(['projects', 'member', 'climate', 'dana', '--role', 'owner', '--home', p.home]);
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/--role|role/);
});
