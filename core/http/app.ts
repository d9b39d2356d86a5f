import { OpenAPIHono } from '@hono/zod-openapi'
import { HTTPException } from 'hono/http-exception'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import { timeout } from 'hono/timeout'
import { matchedRoute } from '../security/middleware.ts'
import { fieldIssues, NexoraError, toNexoraError } from '../errors.ts'
import { requireWellFormed } from '../well-formed.ts'
import type { AppEnv, HttpDeps } from './env.ts'
import { problemResponse } from './problem.ts'
import { requestIds } from './request-id.ts'
import { traceRequests } from './trace-requests.ts'
import { auditRoutes } from './routes/audit.ts'
import { docsRoutes } from './routes/docs.ts'
import { healthRoutes } from './routes/health.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { modelRoutes } from './routes/models.ts'
import { lifecycleRoutes } from './routes/lifecycle.ts'
import { predictRoutes } from './routes/predict.ts'
import { sourceAttributeRoutes } from './routes/source-attributes.ts'

/** Map Hono's own exceptions (malformed JSON, oversized body) onto stable codes. */
function fromHttpException(error: HTTPException): NexoraError {
  if (error.status === 400 && /malformed json/i.test(error.message)) return new NexoraError('request.malformed_json')
  if (error.status === 413) return new NexoraError('request.too_large')
  if (error.status === 404) return new NexoraError('route.not_found')
  if (error.status === 503 && error.message === 'timeout') return new NexoraError('request.timeout')
  return new NexoraError(error.status < 500 ? 'request.invalid' : 'internal', { cause: error })
}

/**
 * The Hono app behind every server adapter: request ids, body limit, problem+json errors,
 * and every route declared with zod schemas so `/openapi.json` documents it.
 */
export function createHttpApp(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      // Before the schema's verdict: an ill-formed string gets its own code wherever it sits.
      // zod-validator hands the hook the received value as `data` on failure too.
      requireWellFormed((result as { data?: unknown }).data)
      if (!result.success) {
        // zod messages describe the expectation, not the received value, so they are PHI-safe.
        throw new NexoraError('request.invalid', { issues: fieldIssues(result.error.issues) })
      }
    },
  })

  app.use('*', requestIds())
  // Before the access log, so its line carries the request's trace id.
  app.use('*', traceRequests())
  const requests = deps.metrics.counter('nexora_http_requests_total', 'HTTP requests by route pattern, method and status')
  const latency = deps.metrics.histogram('nexora_http_request_duration_seconds', 'HTTP request latency by route pattern and method')
  app.use('*', async (c, next) => {
    const started = performance.now()
    await next()
    // The route pattern, never the path: a path can carry a patient id (and labels must stay few).
    const route = matchedRoute(c) ?? 'unmatched'
    const seconds = (performance.now() - started) / 1000
    requests.inc({ route, method: c.req.method, status: String(c.res.status) })
    latency.observe({ route, method: c.req.method }, seconds)
    deps.logger.info('http.request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route,
      status: c.res.status,
      durationMs: Math.round(seconds * 10_000) / 10,
    })
  })
  app.use(
    '*',
    secureHeaders({
      // A route may set its own policy (the web UI's shell adds its authorization servers to connect-src).
      overwrite: false,
      contentSecurityPolicy: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], frameAncestors: ["'none'"] },
    }),
  )
  // gRPC-Web and Connect clients in a browser send their protocol headers and read the status ones.
  if (deps.corsOrigins.length > 0)
    app.use(
      '*',
      cors({
        origin: deps.corsOrigins,
        allowHeaders: [
          'authorization',
          'content-type',
          'x-request-id',
          'x-correlation-id',
          'connect-protocol-version',
          'connect-timeout-ms',
          'x-grpc-web',
          'x-user-agent',
          'grpc-timeout',
        ],
        exposeHeaders: [
          'x-request-id',
          'x-correlation-id',
          'ratelimit-limit',
          'ratelimit-remaining',
          'ratelimit-reset',
          'retry-after',
          'grpc-status',
          'grpc-message',
          'nexora-error-code',
        ],
      }),
    )
  app.use(
    '*',
    timeout(deps.timeoutMs, () => new HTTPException(503, { message: 'timeout' })),
  )
  const tooLarge = () => {
    throw new NexoraError('request.too_large', { detail: `limit is ${deps.bodyLimitBytes} bytes` })
  }
  const streamingLimit = bodyLimit({ maxSize: deps.bodyLimitBytes, onError: tooLarge })
  app.use('*', async (c, next) => {
    // A declared length is checked from the header alone: touching the body stream would make
    // some adapters (node-server) build a full Request per call. Chunked bodies are counted.
    const declared = c.req.header('content-length')
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) return Number(declared) > deps.bodyLimitBytes ? tooLarge() : next()
    return streamingLimit(c, next)
  })
  app.use('*', deps.security)

  app.onError((thrown, c) => {
    const error = thrown instanceof HTTPException ? fromHttpException(thrown) : toNexoraError(thrown)
    c.set('errorCode', error.code)
    const format = deps.frontDoors.find((d) => d.errors && c.req.path.startsWith(d.errors.prefix))?.errors
    // Log only the code and the error's class: a message or stack could carry request data.
    if (error.status >= 500) deps.logger.error('http.error', { requestId: c.get('requestId'), code: error.code, route: c.req.routePath, status: error.status })
    return format ? format.render(error, c.get('requestId')) : problemResponse(error, c.get('requestId'))
  })
  app.notFound((c) => problemResponse(new NexoraError('route.not_found'), c.get('requestId')))

  healthRoutes(app, deps)
  metricsRoutes(app, deps)
  modelRoutes(app, deps)
  sourceAttributeRoutes(app, deps)
  lifecycleRoutes(app, deps)
  predictRoutes(app, deps)
  auditRoutes(app, deps)
  docsRoutes(app, deps)
  for (const door of deps.frontDoors)
    door.register(app, {
      predict: deps.predict,
      registry: deps.registry,
      lifecycle: deps.lifecycle,
      audit: deps.audit,
      clock: { now: deps.now },
      admit: deps.admit,
    })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: deps.title, version: deps.version, description: 'Clinical machine learning: score, explain, audit.' },
    tags: [{ name: 'predict' }, { name: 'models' }, { name: 'audit' }, { name: 'system' }],
    security: [{ bearer: [] }],
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
  return app
}
