import { NexoraError, type FhirResource, type PopulationJob, type StagedResource } from '../../core/index.ts'
import { patientIdOf } from '../fhir/index.ts'
import type { PopulationDeps } from './engine.ts'
import './errors.ts'

/** Rows staged per statement batch: enough to amortise a commit, small enough to keep memory flat. */
const STAGE_BATCH = 2000
export const STAGE_QUEUE = 'population-stage'

/** One output file of a job's export, staged by whichever worker takes it. */
export interface StageData {
  job: string
  statusUrl: string
  file: number
}

const exportRequest = (job: PopulationJob) => ({
  level: job.source.level === 'group' ? ('group' as const) : job.source.level === 'patient' ? ('patient' as const) : ('system' as const),
  group: job.source.group,
  since: job.source.since,
  types: job.source.types,
})

/**
 * Stage resources under their patients as they stream in: no process ever holds the export (the
 * store's key keeps each patient's rows together for the shards). One batch commits while the next
 * is read. A resource that names no patient is counted, not staged.
 */
async function stageStream(deps: PopulationDeps, job: string, resources: AsyncIterable<FhirResource>) {
  let batch: StagedResource[] = []
  let committing: Promise<void> = Promise.resolve()
  let staged = 0
  let unassigned = 0
  for await (const resource of resources) {
    const patient = resource.resourceType === 'Patient' ? resource.id : patientIdOf(resource)
    if (!patient || !resource.id) {
      unassigned += 1
      continue
    }
    batch.push({ patient, type: resource.resourceType, id: resource.id, resource })
    staged += 1
    if (batch.length >= STAGE_BATCH) {
      await committing
      committing = deps.store.stage(job, batch)
      committing.catch(() => {}) // awaited (and so rethrown) before the next batch or at the end
      batch = []
    }
  }
  await committing
  await deps.store.stage(job, batch)
  return { staged, unassigned }
}

/**
 * Run the job's Bulk Data export and stage it. Where the FHIR client can attach to an export by its
 * status URL, each output file is a queue job of its own, so every worker stages at once; the plan
 * waits for them. Otherwise this process streams every file. The export's files are deleted on the
 * server afterwards; the export is one audited data access, with the job id.
 */
export async function stageExport(deps: PopulationDeps, job: PopulationJob, attempt = 1): Promise<void> {
  const fhir = deps.fhir!
  const exported = await fhir.bulkExport!(exportRequest(job))
  const files = exported.manifest.output.length
  let counts = { staged: 0, unassigned: 0 }
  if (fhir.bulkExportAt && files > 1) {
    // A retried plan made a new export: its files are new jobs (the key names the attempt).
    const ids = await Promise.all(
      exported.manifest.output.map((_, file) =>
        deps.queue.send<StageData>(
          STAGE_QUEUE,
          { job: job.id, statusUrl: exported.statusUrl, file },
          // A file may hold hundreds of thousands of resources: its attempt expires as a plan's does, not a shard's.
          { key: `${job.id}/stage/${attempt}/${file}`, retryLimit: 2, retryDelayMs: 2000, expireInMs: 60 * 60_000 },
        ),
      ),
    )
    for (;;) {
      const states = await Promise.all(ids.map(async (id) => (await deps.queue.get(STAGE_QUEUE, id))?.state))
      if (states.includes('failed')) throw new NexoraError('population.stage_failed')
      if (states.every((s) => s === 'completed')) break
      await new Promise((r) => setTimeout(r, 250))
    }
  } else counts = await stageStream(deps, job.id, exported.resources())
  await exported.remove().catch(() => undefined)
  await deps.audit.logDataAccess({
    userId: job.createdBy,
    action: 'fhir.export',
    requestId: job.id,
    context: { job: job.id, level: job.source.level, group: job.source.group ?? null, files, ...counts, errors: exported.manifest.error.length },
  })
}

/** A stage job: stream one output file of the job's export into staging. */
export async function stageFile(deps: PopulationDeps, data: StageData): Promise<void> {
  const job = await deps.store.getJob(data.job)
  if (!job || job.state !== 'staging') return
  if (!deps.fhir?.bulkExportAt) throw new NexoraError('population.no_export')
  const exported = await deps.fhir.bulkExportAt(data.statusUrl)
  await stageStream(deps, data.job, exported.file(data.file))
}
