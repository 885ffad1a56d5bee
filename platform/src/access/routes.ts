import type { FastifyInstance } from 'fastify';
import { GenesisError, routes } from '@genesis-lab/contract';
import { addRoute } from '../http/route';
import type { PlatformContext } from '../platform-module';
import { mayReadAudit } from './policy';

/** Identity, tokens, users, projects and the audit log over HTTP. */
export function accessRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const { identity, audit } = ctx.access;
  addRoute(app, routes.whoami, ({ principal }) => ({
    user: principal.user,
    admin: principal.admin,
    scopes: principal.scopes,
    clearances: principal.clearances,
    projects: principal.projects
  }));
  addRoute(app, routes.listTokens, ({ principal }) => ({ tokens: identity.listTokens(principal) }));
  addRoute(app, routes.createToken, ({ principal, body }) => identity.createToken(principal, body));
  addRoute(app, routes.revokeToken, ({ principal, params }) => identity.revokeToken(principal, params.tokenId));
  addRoute(app, routes.listUsers, () => ({ users: identity.users() }));
  addRoute(app, routes.upsertUser, ({ principal, params, body }) => {
    if (params.user !== body.name)
      throw new GenesisError('bad_request', `The path names user "${params.user}" and the body "${body.name}"`);
    return identity.upsertUser(principal, body);
  });
  addRoute(app, routes.listProjects, ({ principal }) => ({ projects: identity.projects(principal) }));
  addRoute(app, routes.createProject, ({ principal, body }) => identity.createProject(principal, body));
  addRoute(app, routes.setMember, ({ principal, params, body }) => identity.setMember(principal, params.project, body));
  addRoute(app, routes.audit, ({ principal, query }) => {
    if (!mayReadAudit(principal))
      throw new GenesisError('forbidden', 'The audit log is for maintainers of a project and admins');
    return audit.page(query);
  });
  addRoute(app, routes.verifyAudit, () => audit.verify());
  addRoute(app, routes.rotateAuditKey, ({ principal }) => audit.rotateKey(principal.user));
}
