import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPgBossQueue } from '../../plugins/queue-pgboss/index.ts'
import { jobQueueConformance } from '../../testing/index.ts'
import { type PostgresServer, startPostgres } from '../../testkit/postgres.ts'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 120_000)
afterAll(() => server?.stop())

// Two pg-boss instances on one database stand for two worker processes; maintenance every second
// so an expired attempt is failed and retried within the test.
jobQueueConformance(
  'pg-boss on PostgreSQL',
  async () => {
    const url = await server.createDatabase()
    const [queue, other] = await Promise.all([
      openPgBossQueue({ url, pollIntervalMs: 500, maintenanceIntervalSeconds: 1 }),
      openPgBossQueue({ url, pollIntervalMs: 500, maintenanceIntervalSeconds: 1 }),
    ])
    return { queue, other, close: async () => void (await Promise.all([queue.close?.(), other.close?.()])) }
  },
  { pollIntervalMs: 500 },
)

describe("pg-boss's own tables", () => {
  it('keep a failed attempt as its code alone: no message and no stack in the output column', async () => {
    const url = await server.createDatabase()
    const queue = await openPgBossQueue({ url, pollIntervalMs: 500 })
    const id = await queue.send('phi-check', { shard: 1 }, { retryLimit: 0 })
    const worker = await queue.work('phi-check', async () => {
      throw new Error('Jane Doe, MRN 12345, could not be read')
    })
    for (let i = 0; i < 200 && (await queue.get('phi-check', id))?.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 50))
    await worker.stop()
    await queue.close?.()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query(
      'SELECT output::text AS output FROM pgboss.job WHERE id = $1 UNION ALL SELECT output::text FROM pgboss.archive WHERE id = $1',
      [id],
    )
    await client.end()
    expect(rows).toHaveLength(1)
    expect(JSON.parse(rows[0].output)).toMatchObject({ code: 'job.handler_failed' })
    expect(rows[0].output).not.toMatch(/Jane|12345|at .*\.ts/)
  })
})
