import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, HttpDeps } from '../env.ts'

/** Swagger UI served from local assets (swagger-ui-dist via the adapter): no CDN, so it works offline. */
const page = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — API docs</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`

/** Without the assets (swagger-ui-dist is an optional peer), say so rather than serve a blank page. */
const unavailable = (title: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} — API docs</title></head>
<body><p>The interactive API docs need the <code>swagger-ui-dist</code> package on the server (<code>npm install swagger-ui-dist</code>).
The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p></body></html>`

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true })`

export function docsRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.get('/docs', (c) => c.html(deps.assets ? page(deps.title) : unavailable(deps.title)))
  app.get('/docs/assets/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
  app.get('/docs/assets/:file', async (c) => (await deps.assets?.(`docs/${c.req.param('file')}`)) ?? c.notFound())
}
