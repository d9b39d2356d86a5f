/** Population jobs for the CLI and the server: the queue the configuration names, the routes, the workers, the feeds. */
import { definePlugin, memoryJobQueue, type JobWorker, type Nexora, type Plugin, type ServerConfig } from '../core/index.ts'
import { webhookDelivery } from '../plugins/monitoring/index.ts'
import { NOTIFY_PATH, populationDeps, populationJobs, rescoreFeed, startPopulationWorker, subscribe } from '../plugins/population/index.ts'

type JobsConfig = Pick<ServerConfig, 'jobs' | 'storage' | 'feeds'>
const isPostgres = (url: string | undefined) => /^postgres(ql)?:\/\//.test(url ?? '')

/** Which queue: pg-boss when asked, or `auto` on a PostgreSQL database; in-process otherwise. */
export function queueKind(config: Pick<ServerConfig, 'jobs' | 'storage'>): 'memory' | 'pg-boss' {
  if (config.jobs.queue !== 'auto') return config.jobs.queue
  return isPostgres(config.jobs.url ?? config.storage.url) ? 'pg-boss' : 'memory'
}

/** The job queue plugin and the population routes (with the FHIR Subscription endpoint when given the feeds). */
export async function jobPlugins(config: Pick<ServerConfig, 'jobs' | 'storage'> & Partial<Pick<ServerConfig, 'feeds'>>): Promise<Plugin[]> {
  const kind = queueKind(config)
  const routes = populationJobs(config.feeds ? { feeds: { models: config.feeds.models, debounceMs: config.feeds.debounceMs } } : {})
  if (kind === 'memory') return [definePlugin({ name: 'memory-job-queue', provides: 'jobQueue', setup: () => memoryJobQueue() }), routes]
  const url = config.jobs.url ?? config.storage.url
  if (!isPostgres(url)) throw new Error('the pg-boss queue needs a PostgreSQL URL: set jobs.url (NEXORA_JOBS_URL) or a postgres:// database')
  const { pgBossJobs } = await import('../plugins/queue-pgboss/index.ts')
  return [pgBossJobs({ url: url!, pollIntervalMs: 500, maintenanceIntervalSeconds: 30 }), routes]
}

/** Whether this server process works population jobs itself: by default only when no other process can reach its queue. */
export const serverWorks = (config: Pick<ServerConfig, 'jobs' | 'storage'>) => config.jobs.worker ?? queueKind(config) === 'memory'

/** The re-score feed the configuration describes; its webhook goes through monitoring's delivery (retries, an audit event each). */
export function feed(nexora: Nexora, config: Pick<ServerConfig, 'feeds'>) {
  const { models, debounceMs, threshold, webhook } = config.feeds
  const { ports } = nexora
  const delivery = webhookDelivery({ clock: ports.get('clock'), logger: ports.get('logger'), metrics: ports.get('metrics') })
  delivery.attach(nexora.audit)
  return rescoreFeed(populationDeps(nexora), { models, debounceMs, threshold, webhook, send: delivery.send })
}

/** Work population jobs and re-scores in this process. */
export async function startWorker(nexora: Nexora, config: Pick<JobsConfig, 'jobs' | 'feeds'>): Promise<JobWorker> {
  const workers = [
    await startPopulationWorker(nexora, { concurrency: config.jobs.concurrency, pollIntervalMs: 200, shardTimeoutMs: config.jobs.shardTimeoutMs }),
    await feed(nexora, config).start({ pollIntervalMs: 500 }),
  ]
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) }
}

/** `--mllp-port`: HL7 v2 messages become debounced re-scores, acknowledged once staged and queued. */
export async function startMllp(nexora: Nexora, config: Pick<ServerConfig, 'feeds'>, port: number) {
  const { startMllpListener } = await import('../plugins/hl7v2/node.ts')
  const changes = feed(nexora, config)
  return startMllpListener({
    port,
    host: config.feeds.mllpHost,
    logger: nexora.ports.get('logger'),
    accept: (mapped) => changes.accept({ patientId: mapped.patientId, resources: mapped.resources, source: 'hl7v2' }),
  })
}

/** `feeds.subscribe`: ask the FHIR server to notify this server of changes to what the feed models read. */
export async function subscribeFeeds(nexora: Nexora, config: Pick<ServerConfig, 'feeds'>, serverUrl: string) {
  const fhir = nexora.ports.get('fhirSource') as Parameters<typeof subscribe>[0] | undefined
  if (!fhir) return []
  const types = new Set(['Patient'])
  for (const name of config.feeds.models) {
    const spec = (await nexora.registry.resolve(name)).manifest.featureSpec as { features: { resourceType?: string }[] } | undefined
    for (const f of spec?.features ?? []) if (f.resourceType) types.add(f.resourceType)
  }
  return subscribe(fhir, { endpoint: config.feeds.notifyUrl ?? `${serverUrl}${NOTIFY_PATH}`, token: config.feeds.notifyToken, types: [...types] })
}
