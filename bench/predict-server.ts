/**
 * The server under test for bench/predict-vs-bare.ts: `nexora serve`'s stack (libSQL file,
 * full durability by default, the demo model) behind one Node server, with two baselines:
 * `/bench/bare`, a plain Hono route that skips Nexora entirely, and `/bench/echo`, a route
 * on Nexora's app that passes its server-wide middleware (request id, body limit, caller).
 */
import { Hono } from 'hono'
import { serveNode } from '../adapters/node.ts'
import { importModels } from '../bin/demo-models.ts'

const running = await serveNode({
  port: 0, db: process.argv[2], durability: process.env.NEXORA_DURABILITY as 'full' | 'normal' | undefined,
  prepare: async (nexora) => {
    await importModels(nexora)
    nexora.app.post('/bench/echo', async (c) => c.json({ ok: true, keys: Object.keys(await c.req.json()).length }))
  },
  handler: (nexora) => new Hono()
    .post('/bench/bare', async (c) => c.json({ ok: true, keys: Object.keys(await c.req.json()).length }))
    .all('*', (c) => nexora.fetch(c.req.raw, c.env)).fetch,
})
process.stdout.write(`${running.url}\n`)
