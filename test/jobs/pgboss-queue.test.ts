import { afterAll, beforeAll } from 'vitest'
import { openPgBossQueue } from '../../plugins/queue-pgboss/index.ts'
import { jobQueueConformance } from '../../testing/index.ts'
import { type PostgresServer, startPostgres } from '../../testkit/postgres.ts'

let pg: PostgresServer
beforeAll(async () => {
  pg = await startPostgres()
}, 120_000)
afterAll(() => pg?.stop())

// Two pg-boss instances on one database stand for two worker processes; maintenance every second
// so an expired attempt is failed and retried within the test.
jobQueueConformance(
  'pg-boss on PostgreSQL',
  async () => {
    const url = await pg.createDatabase()
    const [queue, other] = await Promise.all([
      openPgBossQueue({ url, pollIntervalMs: 500, maintenanceIntervalSeconds: 1 }),
      openPgBossQueue({ url, pollIntervalMs: 500, maintenanceIntervalSeconds: 1 }),
    ])
    return { queue, other, close: async () => void (await Promise.all([queue.close?.(), other.close?.()])) }
  },
  { pollIntervalMs: 500 },
)
