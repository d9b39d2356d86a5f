/**
 * The JobQueue on PostgreSQL through pg-boss (10.x, the line for Node 20): several worker processes
 * on one or many machines share the queues; `SKIP LOCKED` fetching, retries with back-off, the
 * dead-letter state and attempt expiry are pg-boss's. pg-boss is an optional peer.
 * @example
 * await createNexora({ plugins: [sqlStorage({ url }), pgBossJobs({ url })] })
 */
import { definePlugin, importOptional } from '../../core/index.ts'
import { pgBossQueue } from './pgboss-queue.ts'

export interface PgBossJobsOptions {
  /** `postgres://…`: the database pg-boss keeps its schema (`pgboss`) in; usually Nexora's own. */
  url: string
  /** How often an idle worker polls (pg-boss's minimum is 500 ms). Default 2,000 ms. */
  pollIntervalMs?: number
  /** How often pg-boss's supervisor fails expired attempts and archives finished jobs. Default 60 s. */
  maintenanceIntervalSeconds?: number
  priority?: number
}

/** Start pg-boss on `url` (creating its schema on first use) and return the JobQueue on it. */
export async function openPgBossQueue(options: PgBossJobsOptions) {
  const { default: PgBoss } = await importOptional('pg-boss', () => import('pg-boss'), 'the PostgreSQL job queue')
  const boss = new PgBoss({ connectionString: options.url, maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60 })
  // pg-boss reports connection trouble as events; without a listener Node would throw them.
  boss.on('error', () => {})
  await boss.start()
  return pgBossQueue(boss, { pollIntervalMs: options.pollIntervalMs })
}

export function pgBossJobs(options: PgBossJobsOptions) {
  return definePlugin({
    name: 'pgboss-job-queue',
    provides: 'jobQueue',
    priority: options.priority ?? 0,
    setup: () => openPgBossQueue(options),
  })
}

export { pgBossQueue } from './pgboss-queue.ts'
