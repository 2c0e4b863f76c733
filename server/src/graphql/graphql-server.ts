import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import type { RequestHandler } from 'express';
import { isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createContext, type GraphqlContext } from './context.js';
import { contextError, errorReportingPlugin, formatGraphqlError } from './error-format.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { PrincipalResolver } from './principals.js';
import { queryLimitsPlugin } from './query-limits.js';
import { buildGraphqlSchema } from './schema.js';

/**
 * The Apollo Server of `PUBLIC_URL/graphql` (SECURITY.md 33–35): batched requests off, CSRF prevention
 * on, introspection off in production, never a stack trace; limits are checked before execution.
 * Loaded by graphql.routes.ts on the first GraphQL request, started, and returned as Express middleware.
 */
export async function startGraphqlServer(deps: GraphqlDeps): Promise<RequestHandler> {
  const principals = new PrincipalResolver(deps);
  const server = new ApolloServer<GraphqlContext>({
    schema: buildGraphqlSchema(deps),
    introspection: !deps.production,
    hideSchemaDetailsFromClientErrors: deps.production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: formatGraphqlError,
    plugins: [ApolloServerPluginLandingPageDisabled(), queryLimitsPlugin(), errorReportingPlugin()],
    logger: apolloLogger(deps.logger),
    // Portico drains on SIGTERM itself (app/shutdown.ts); Apollo's handler would re-send the signal,
    // which Portico takes as a second one and exits at once.
    stopOnTerminationSignals: false,
  });
  await server.start();
  return expressMiddleware(server, {
    context: async ({ req }) => {
      try {
        return await createContext(req, principals, deps.dataSource);
      } catch (error) {
        if (!isAppError(error) || error.status >= 500)
          req.log.error({ err: error }, 'graphql context failed');
        throw contextError(error);
      }
    },
  }) as RequestHandler;
}

function apolloLogger(logger: Logger) {
  const child = logger.child({ component: 'graphql' });
  return {
    debug: (message: string) => child.debug(message),
    info: (message: string) => child.info(message),
    warn: (message: string) => child.warn(message),
    error: (message: string) => child.error(message),
  };
}
