import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler, type Router } from 'express';
import { isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { createContext, type GraphqlContext } from './context.js';
import { contextError, errorReportingPlugin, formatGraphqlError } from './error-format.js';
import type { GraphqlDeps } from './graphql.deps.js';
import { PrincipalResolver } from './principals.js';
import { queryLimitsPlugin } from './query-limits.js';
import { buildGraphqlSchema } from './schema.js';

/**
 * `PUBLIC_URL/graphql` (ARCHITECTURE.md "Public contract" → GraphQL; SECURITY.md 33–35): Apollo
 * Server in the same process as the OIDC server. Batched requests off, CSRF prevention on,
 * introspection off in production, never a stack trace; limits are checked before execution.
 */
export function graphqlRoutes(deps: GraphqlDeps): Router {
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
  return router(server, principals, deps);
}

function router(server: ApolloServer<GraphqlContext>, principals: PrincipalResolver, deps: GraphqlDeps) {
  const router = express.Router();
  let middleware: RequestHandler | undefined;
  const started = server.start().then(() => {
    middleware = expressMiddleware(server, {
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
  });
  started.catch((error: unknown) => deps.logger.error({ err: error }, 'the GraphQL server did not start'));
  router.all('/graphql', async (req, res, next) => {
    await started;
    // Apollo wants a body property; without a JSON body it answers 400 (or blocks the request as CSRF).
    if (!('body' in req)) (req as { body?: unknown }).body = undefined;
    res.locals.metricsRoute = '/graphql';
    return middleware!(req, res, next);
  });
  return router;
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
