import express, { type RequestHandler, type Router } from 'express';
import type { GraphqlDeps } from './graphql.deps.js';

/**
 * `PUBLIC_URL/graphql` (ARCHITECTURE.md "Public contract" → GraphQL): Apollo Server in the same process
 * as the OIDC server. Apollo, type-graphql and the schema are loaded and built on the first GraphQL
 * request, not before the server is ready (docs/PERFORMANCE.md "Start-up").
 */
export function graphqlRoutes(deps: GraphqlDeps): Router {
  const router = express.Router();
  let started: Promise<RequestHandler> | undefined;
  const start = () => {
    if (!started) {
      started = import('./graphql-server.js').then(({ startGraphqlServer }) => startGraphqlServer(deps));
      started.catch((error: unknown) =>
        deps.logger.error({ err: error }, 'the GraphQL server did not start'),
      );
    }
    return started;
  };
  router.all('/graphql', async (req, res, next) => {
    let middleware: RequestHandler;
    try {
      middleware = await start();
    } catch (error) {
      return next(error);
    }
    // Apollo wants a body property; without a JSON body it answers 400 (or blocks the request as CSRF).
    if (!('body' in req)) (req as { body?: unknown }).body = undefined;
    res.locals.metricsRoute = '/graphql';
    return middleware(req, res, next);
  });
  return router;
}
