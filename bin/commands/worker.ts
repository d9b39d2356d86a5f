import { parseFlags, UsageError, type Command } from '../args.ts'
import { loadServeConfig } from '../config-file.ts'
import { fhirSetup } from '../fhir-source.ts'
import { jobPlugins, queueKind, startWorker } from '../jobs.ts'
import { openNexora } from './open.ts'

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Work population jobs from the shared queue (pg-boss) until stopped',
  usage: `nexora worker [--db URL] [--concurrency N]

  Scores population shards (and runs job plans) from the queue every server and worker shares:
  pg-boss on PostgreSQL (jobs.url, or the postgres:// database). Start one per core, on as many
  machines as you like, all pointed at the same database and FHIR server (fhir.url). SIGTERM or
  SIGINT stops taking shards and exits once the running ones are done; a worker killed outright
  loses nothing: its shard is delivered again after its expiry and the results are idempotent.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { db: { type: 'string' }, concurrency: { type: 'string' } })
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency)
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError('--concurrency must be a positive integer')
    const config = await loadServeConfig(undefined, { storage: { url: values.db } })
    if (queueKind(config) === 'memory') throw new UsageError('nexora worker needs a queue other processes share: a PostgreSQL database or jobs.url (pg-boss)')
    const fhir = await fhirSetup(config, false)
    const nexora = await openNexora(config.storage.url, { plugins: [...fhir.plugins, ...(await jobPlugins(config))] })
    const worker = await startWorker(nexora, { ...config, jobs: { ...config.jobs, concurrency: concurrency ?? config.jobs.concurrency } })
    const source = fhir.description ? ` (FHIR: ${fhir.description})` : ' (no FHIR server: plans that export will fail)'
    io.err(`nexora worker ${process.pid} is working population jobs${source}`)
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve)
      process.once('SIGINT', resolve)
    })
    await worker.stop()
    await nexora.close()
    fhir.close?.()
    return 0
  },
}
