import type { PopulationJob, StagedResource } from '../../core/index.ts'
import { patientIdOf } from '../fhir/index.ts'
import type { PopulationDeps } from './engine.ts'

/** Rows staged per statement batch: enough to amortise a commit, small enough to keep memory flat. */
const STAGE_BATCH = 2000

/**
 * Run the job's Bulk Data export and stage every resource under its patient as it streams in:
 * no process ever holds the export (the store's key keeps each patient's rows together for the
 * shards). A resource that names no patient is counted, not staged. The export's files are
 * deleted on the server afterwards; the export is one audited data access, with the job id.
 */
export async function stageExport(deps: PopulationDeps, job: PopulationJob): Promise<void> {
  const exported = await deps.fhir!.bulkExport!({
    level: job.source.level === 'group' ? 'group' : job.source.level === 'patient' ? 'patient' : 'system',
    group: job.source.group,
    since: job.source.since,
    types: job.source.types,
  })
  let batch: StagedResource[] = []
  // One batch commits while the next is read from the export: the stream and the database overlap.
  let committing: Promise<void> = Promise.resolve()
  let resources = 0
  let unassigned = 0
  for await (const resource of exported.resources()) {
    const patient = resource.resourceType === 'Patient' ? resource.id : patientIdOf(resource)
    if (!patient || !resource.id) {
      unassigned += 1
      continue
    }
    batch.push({ patient, type: resource.resourceType, id: resource.id, resource })
    resources += 1
    if (batch.length >= STAGE_BATCH) {
      await committing
      committing = deps.store.stage(job.id, batch)
      committing.catch(() => {}) // awaited (and so rethrown) before the next batch or at the end
      batch = []
    }
  }
  await committing
  await deps.store.stage(job.id, batch)
  await exported.remove().catch(() => undefined)
  await deps.audit.logDataAccess({
    userId: job.createdBy,
    action: 'fhir.export',
    requestId: job.id,
    context: { job: job.id, level: job.source.level, group: job.source.group ?? null, resources, unassigned, errors: exported.manifest.error.length },
  })
}
