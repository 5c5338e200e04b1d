/**
 * The express app of one process: the open routes of `src/routes.ts`, and, in processes that serve it,
 * the dashboard behind basic auth. Open routes are registered first, so no credentials are asked for them.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../logging/create-logger';
import { DASHBOARD_BASE_PATH, OPEN_ROUTES, type Route, type RouteContext } from '../routes';
import type { HttpResponse } from './http-response';

export interface HttpAppOptions {
  context: RouteContext;
  logger: Logger;
  /** Bull Board and the auth in front of it (none when DASHBOARD_AUTH=none). */
  dashboard?: { router: RequestHandler; auth?: RequestHandler };
  /** @defaultValue OPEN_ROUTES */
  routes?: readonly Route[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const log = options.logger.child({ component: 'http' });

  for (const route of options.routes ?? OPEN_ROUTES) {
    app[route.method](route.path, (_req, res) => {
      Promise.resolve()
        .then(() => route.handler(options.context))
        .then(response => send(res, response))
        .catch((error: unknown) => {
          log.error({ err: error, path: route.path }, 'endpoint failed');
          if (!res.headersSent) res.status(500).json({ error: 'internal error' });
        });
    });
  }

  if (options.dashboard) {
    if (options.dashboard.auth) app.use(DASHBOARD_BASE_PATH, options.dashboard.auth);
    app.use(DASHBOARD_BASE_PATH, options.dashboard.router);
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}

function send(res: express.Response, response: HttpResponse): void {
  // Probes and metrics must never be answered from a cache.
  res.status(response.status).set('Cache-Control', 'no-store');
  if (response.contentType !== undefined && typeof response.body === 'string') {
    res.type(response.contentType).send(response.body);
  } else {
    res.json(response.body);
  }
}
