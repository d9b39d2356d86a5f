import { NexoraError, type JobWorker } from '../../core/index.ts'
import { createJob, jobStatus, populationDeps } from '../../plugins/population/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { loadServeConfig } from '../config-file.ts'
import { DEV_AUDIENCE } from '../dev-identity.ts'
import { fhirSetup } from '../fhir-source.ts'
import { jobPlugins, queueKind, startWorker } from '../jobs.ts'
import { progressWriter } from '../progress-bar.ts'
import { openNexora } from './open.ts'

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/
const instant = (value: string | undefined, flag: string) => {
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw new UsageError(`${flag} must be an ISO 8601 instant`)
  return value
}

export const populationCommand: Command = {
  name: 'population',
  summary: 'Score a whole population: Bulk Data export → shards on the job queue → risk scores',
  usage: `nexora population score --model NAME [--group ID] [--since INSTANT] [--index-time INSTANT] [--shard-size N]
                         [--write-back] [--detach] [--db URL]

  Starts a population job (as POST /jobs/population does) and follows it with a progress bar,
  scoring in this process too; at the end prints the job's status as JSON. With the in-process
  queue (a libSQL database) the whole job runs here. With pg-boss (a PostgreSQL database) any
  \`nexora worker\` shares the shards; --detach only enqueues it and prints the job.
  The patients come from the configured FHIR server (fhir.url) with a Bulk Data export (a Group's
  with --group, else every patient); without one, in dev mode, from the synthetic dev FHIR server.
  Exit status: 0 when every patient was scored or skipped with a reason, 1 when any failed.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub !== 'score') throw new UsageError('the only subcommand is "score"')
    const { values } = parseFlags(rest, {
      model: { type: 'string' },
      group: { type: 'string' },
      since: { type: 'string' },
      'index-time': { type: 'string' },
      'shard-size': { type: 'string' },
      'write-back': { type: 'boolean' },
      detach: { type: 'boolean' },
      db: { type: 'string' },
    })
    if (!values.model) throw new UsageError('--model is required')
    if (values.group !== undefined && !FHIR_ID.test(values.group)) throw new UsageError('--group must be a FHIR id')
    const shardSize = values['shard-size'] === undefined ? undefined : Number(values['shard-size'])
    if (shardSize !== undefined && (!Number.isInteger(shardSize) || shardSize < 1 || shardSize > 1000)) throw new UsageError('--shard-size must be 1 to 1000')
    const config = await loadServeConfig(undefined, { storage: { url: values.db } })
    const fhir = await fhirSetup(config, config.fhir.url ? false : 0, DEV_AUDIENCE)
    const nexora = await openNexora(config.storage.url, { plugins: [...fhir.plugins, ...(await jobPlugins(config))] })
    let worker: JobWorker | undefined
    try {
      const deps = populationDeps(nexora)
      const job = await createJob(
        deps,
        {
          model: values.model,
          source: values.group ? { level: 'group', group: values.group, since: instant(values.since, '--since') } : { level: 'system', since: values.since },
          indexTime: instant(values['index-time'], '--index-time'),
          shardSize,
          writeBack: values['write-back'],
        },
        process.env.USER ?? 'cli',
      )
      if (values.detach) {
        if (queueKind(config) === 'memory')
          throw new UsageError('--detach needs a queue other processes share (pg-boss): the in-process queue ends with this process')
        io.out(JSON.stringify(job, null, 2))
        return 0
      }
      worker = await startWorker(nexora, config)
      const bar = progressWriter(process.stderr)
      for (;;) {
        const status = await jobStatus(deps.store, job.id, Date.now())
        if (status.job.state !== 'staging' && status.job.state !== 'scoring') {
          bar.done(status)
          io.out(JSON.stringify(status, null, 2))
          return status.job.state === 'completed' && status.progress.failed === 0 ? 0 : 1
        }
        bar.update(status)
        await new Promise((r) => setTimeout(r, 250))
      }
    } catch (error) {
      if (!(error instanceof NexoraError)) throw error
      io.err(JSON.stringify({ code: error.code, title: error.title, detail: error.detail }))
      return 1
    } finally {
      await worker?.stop()
      await nexora.close()
      fhir.close?.()
    }
  },
}
