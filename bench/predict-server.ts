/**
 * The server under test for bench/predict-vs-bare.ts: `nexora serve`'s stack (libSQL file,
 * full durability by default, the demo model) behind one Node server, with two baselines:
 * `/bench/bare`, a plain Hono route that skips Nexora entirely, and `/bench/echo`, a route
 * on Nexora's app that passes its server-wide middleware (request id, security headers, body
 * limit, bearer-token check, rate limit) but no validation, audit or model.
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { serveNode } from '../adapters/node.ts'
import { importModels } from '../bin/demo-models.ts'
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevIdentity } from '../bin/dev-identity.ts'
import { jwtAuth } from '../plugins/auth-jwt/index.ts'

// The same bearer-token check as `nexora serve`; rate limits are raised so the load is not refused.
const identity = await loadOrCreateDevIdentity(dirname(fileURLToPath(process.argv[2]!)))
const unlimited = { capacity: 1e9, refillPerSecond: 1e9 }

const running = await serveNode({
  port: 0,
  db: process.argv[2],
  durability: process.env.NEXORA_DB_DURABILITY as 'full' | 'normal' | undefined,
  plugins: [jwtAuth({ jwks: identity.jwks, issuers: [DEV_ISSUER], audience: DEV_AUDIENCE })],
  config: {
    rateLimits: { predict: unlimited, read: unlimited, write: unlimited, audit: unlimited, public: unlimited },
    routePolicies: { 'POST /bench/echo': { access: { anyOf: ['nexora/predict'] }, rate: 'predict', audit: 'handler' } },
  },
  prepare: async (nexora) => {
    await importModels(nexora)
    nexora.app.post('/bench/echo', async (c) => c.json({ ok: true, keys: Object.keys(await c.req.json()).length }))
  },
  // Dispatch on the path before either app sees the request: wrapping nexora.fetch in a Hono route
  // (`c.req.raw`) made @hono/node-server build a full Request for every Nexora call, a cost
  // `nexora serve` does not pay (it hands nexora.fetch to the adapter as it is).
  handler: (nexora) => {
    const bare = new Hono().post('/bench/bare', async (c) => c.json({ ok: true, keys: Object.keys(await c.req.json()).length }))
    // The second argument is node-server's { incoming, outgoing }, which the client-address lookup reads.
    return ((request: Request, env: unknown) => (request.url.endsWith('/bench/bare') ? bare.fetch(request, env) : nexora.fetch(request, env))) as (
      request: Request,
    ) => Promise<Response>
  },
})
process.stdout.write(`${running.url} ${identity.token}\n`)
