/** Population jobs for the CLI and the server: the queue the configuration names, the routes, the workers. */
import { definePlugin, memoryJobQueue, type Nexora, type Plugin, type ServerConfig } from '../core/index.ts'
import { populationJobs, startPopulationWorker } from '../plugins/population/index.ts'

const isPostgres = (url: string | undefined) => /^postgres(ql)?:\/\//.test(url ?? '')

/** Which queue: pg-boss when asked, or `auto` on a PostgreSQL database; in-process otherwise. */
export function queueKind(config: Pick<ServerConfig, 'jobs' | 'storage'>): 'memory' | 'pg-boss' {
  if (config.jobs.queue !== 'auto') return config.jobs.queue
  return isPostgres(config.jobs.url ?? config.storage.url) ? 'pg-boss' : 'memory'
}

/** The job queue plugin and the population routes. */
export async function jobPlugins(config: Pick<ServerConfig, 'jobs' | 'storage'>): Promise<Plugin[]> {
  const kind = queueKind(config)
  if (kind === 'memory') return [definePlugin({ name: 'memory-job-queue', provides: 'jobQueue', setup: () => memoryJobQueue() }), populationJobs()]
  const url = config.jobs.url ?? config.storage.url
  if (!isPostgres(url)) throw new Error('the pg-boss queue needs a PostgreSQL URL: set jobs.url (NEXORA_JOBS_URL) or a postgres:// database')
  const { pgBossJobs } = await import('../plugins/queue-pgboss/index.ts')
  return [pgBossJobs({ url: url!, pollIntervalMs: 500, maintenanceIntervalSeconds: 30 }), populationJobs()]
}

/** Whether this server process works population jobs itself: by default only when no other process can reach its queue. */
export const serverWorks = (config: Pick<ServerConfig, 'jobs' | 'storage'>) => config.jobs.worker ?? queueKind(config) === 'memory'

export const startWorker = (nexora: Nexora, config: Pick<ServerConfig, 'jobs'>) =>
  startPopulationWorker(nexora, { concurrency: config.jobs.concurrency, pollIntervalMs: 200 })
