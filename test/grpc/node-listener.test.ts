/**
 * The h2c listener's life cycle in the Node adapter: a call in flight when shutdown starts
 * still gets its answer, idle HTTP/2 sessions do not hold shutdown open, and the listener
 * refuses to start without the front door plugin.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serveNode } from '../../adapters/node.ts'
import { definePlugin } from '../../core/index.ts'
import { listenGrpc } from '../../plugins/grpc/node.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { grpcJsClients } from '../../testkit/grpc-js-client.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-grpc-life-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('h2c listener life cycle', () => {
  it('answers a call in flight at shutdown, then closes with the client still connected', async () => {
    const server = await serveNode({
      port: 0,
      grpc: { port: 0 },
      db: `file:${join(dir, 'life.db')}`,
      handleSignals: false,
      drainMs: 5_000,
      // The model takes 300 ms to load, so the first prediction is still running when close() starts.
      models: [definePlugin({ name: 'slow-toy', provides: 'model', setup: () => toyPlugin(undefined, 300) })],
      prepare: async (n) => {
        await n.registry.register(toyManifest('1.0.0'), toyFiles())
      },
    })
    const client = grpcJsClients(server.grpcUrl!)
    try {
      expect((await client.infer('ServerLive', {})).response).toEqual({ live: true })
      const inFlight = client.predict({ model: 'toy', rows: [{ features: { age: { number_value: 70 } } }] })
      await new Promise((r) => setTimeout(r, 100))
      const started = performance.now()
      await server.close()
      const { response, error } = await inFlight
      expect(error).toBeUndefined()
      expect(response!.predictions[0].score).toBeGreaterThan(0)
      // Well under drainMs: the idle session was told to go away rather than waited out.
      expect(performance.now() - started).toBeLessThan(3_000)
      expect((await client.infer('ServerLive', {})).error?.code).toBe(14)
    } finally {
      client.close()
      await server.close()
    }
  })

  it('refuses to listen without the grpc() front door, naming what is missing', async () => {
    const { nexora } = await toyNexora()
    await expect(listenGrpc(nexora, { port: 0 })).rejects.toMatchObject({ code: 'plugin.missing_requirement', detail: expect.stringContaining('grpc()') })
  })
})
