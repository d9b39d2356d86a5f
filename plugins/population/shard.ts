import {
  NexoraError,
  patientKey,
  storedFeatureName,
  type PopulationJob,
  type RiskScore,
  type Row,
  type StagedResource,
  toNexoraError,
  validateRows,
} from '../../core/index.ts'
import { ClinicalETL, type FeatureSpec, type PatientRecord, refuseDeceased } from '../etl/index.ts'
import { toRiskAssessment } from '../fhir/index.ts'
import './errors.ts'
import { finishIfDone, jobCaller, type PopulationDeps, SHARD_RETRIES, type ShardData } from './engine.ts'

const etls = new Map<string, ClinicalETL>()
/** One ETL per model version (compiling a spec's FHIRPath is the expensive part), a few kept. */
function etlFor(key: string, spec: ConstructorParameters<typeof ClinicalETL>[0]) {
  let etl = etls.get(key)
  if (!etl) {
    if (etls.size >= 8) etls.clear()
    etl = new ClinicalETL(spec)
    etls.set(key, etl)
  }
  return etl
}

function byPatient(staged: StagedResource[]): PatientRecord[] {
  const out = new Map<string, PatientRecord>()
  for (const r of staged) {
    const record = out.get(r.patient) ?? out.set(r.patient, { patientId: r.patient, resources: [] }).get(r.patient)!
    record.resources.push(r.resource)
  }
  return [...out.values()]
}

/**
 * Score one shard: its staged patients → features (as of the job's index time) → the one pipeline,
 * as one audited batch naming every patient and the job → one result per patient, inserted
 * idempotently. Patients that already have a result (a retried shard) are not scored again. A
 * patient the model does not apply to, or whose features do not fit it, is `skipped` with the code.
 * On the last attempt, a failure marks the shard's remaining patients `failed` with its code, so the
 * job still ends, with every patient accounted for.
 */
export async function runShard(deps: PopulationDeps, data: ShardData, attempt: number): Promise<void> {
  const job = await deps.store.getJob(data.job)
  if (!job || job.state !== 'scoring') return
  try {
    await scoreShard(deps, job, data)
  } catch (thrown) {
    if (attempt <= SHARD_RETRIES) throw thrown
    await markFailed(deps, job, data, toNexoraError(thrown).code)
  }
  await finishIfDone(deps, job.id)
}

async function scoreShard(deps: PopulationDeps, job: PopulationJob, data: ShardData) {
  const done = new Set(await deps.store.resultsIn(job.id, data.from, data.to))
  const records = byPatient(await deps.store.staged(job.id, data.from, data.to)).filter((r) => !done.has(r.patientId))
  if (records.length === 0) return
  const stored = await deps.registry.getVersion(job.model, job.version)
  const model = await deps.registry.load(stored)
  const inputs = model.describe().inputs
  const etl = etlFor(`${stored.name}@${stored.version}`, stored.manifest.featureSpec!)
  const at = Date.parse(job.indexTime)
  const scoredAt = new Date(deps.clock.now()).toISOString()
  const result = (patient: string, fields: Pick<RiskScore, 'status' | 'score' | 'label' | 'reason'>): RiskScore => ({
    job: job.id,
    patient,
    model: job.model,
    version: job.version,
    scoredAt,
    ...fields,
  })
  const rows: Row[] = []
  const skipped: RiskScore[] = []
  const basis = new Map<string, string[]>()
  const writes: { entityKey: string; values: Row['features']; ts: number }[] = []
  for (const record of records) {
    try {
      refuseDeceased(stored.manifest, record.resources, at)
      const extracted = etl.transform(record, { now: at, indexTime: job.indexTime })
      const features = Object.fromEntries(Object.entries(extracted.features).filter(([, v]) => v !== null)) as Row['features']
      const row: Row = { patientRef: `Patient/${record.patientId}`, features, ...(extracted.sequence ? { sequence: extracted.sequence } : {}) }
      validateRows([row], inputs)
      rows.push(row)
      basis.set(record.patientId, extracted.basis)
      writes.push({ entityKey: patientKey(record.patientId), values: featureNames(stored.manifest.featureSpec as FeatureSpec, features), ts: at })
    } catch (thrown) {
      const error = toNexoraError(thrown)
      if (!(error instanceof NexoraError) || error.status >= 500) throw thrown
      skipped.push(result(record.patientId, { status: 'skipped', score: null, label: null, reason: error.code }))
    }
  }
  await storeFeatures(deps, writes)
  const scores: RiskScore[] = [...skipped]
  if (rows.length > 0) {
    const predicted = await deps.predict(
      { model: job.model, version: job.version, rows, purpose: 'population', requestId: `population:${job.id}/${data.shard}` },
      jobCaller(job),
    )
    rows.forEach((row, i) => {
      const p = predicted.predictions[i]!
      scores.push(result(row.patientRef!.slice('Patient/'.length), { status: 'scored', score: p.score, label: p.label ?? null, reason: null }))
    })
    if (job.writeBack) await writeBack(deps, job, scores, basis, predicted.requestId)
  }
  await deps.store.putScores(scores)
}

/** The feature store keeps a job's features under the spec's name and version, so `/predict` with `features: "store"` finds them. */
export const featureNames = (spec: FeatureSpec, features: Row['features']) =>
  Object.fromEntries(Object.entries(features).map(([name, value]) => [storedFeatureName(spec, name), value]))

/** The shard's features as one commit where the store can (`putMany`), else one write a patient. */
async function storeFeatures(deps: PopulationDeps, writes: { entityKey: string; values: Row['features']; ts: number }[]) {
  if (!deps.features || writes.length === 0) return
  if (deps.features.putMany) return deps.features.putMany(writes)
  for (const w of writes) await deps.features.put(w.entityKey, w.values, w.ts)
}

async function markFailed(deps: PopulationDeps, job: PopulationJob, data: ShardData, code: string) {
  const done = new Set(await deps.store.resultsIn(job.id, data.from, data.to))
  const patients = new Set((await deps.store.staged(job.id, data.from, data.to)).map((r) => r.patient))
  const scoredAt = new Date(deps.clock.now()).toISOString()
  await deps.store.putScores(
    [...patients]
      .filter((p) => !done.has(p))
      .map((patient) => ({ job: job.id, patient, model: job.model, version: job.version, status: 'failed', score: null, label: null, reason: code, scoredAt })),
  )
}

async function writeBack(deps: PopulationDeps, job: PopulationJob, scores: RiskScore[], basis: Map<string, string[]>, requestId: string) {
  if (!deps.fhir?.transaction) throw new NexoraError('population.no_export', { detail: 'write-back needs a FHIR server' })
  const occurrence = new Date(deps.clock.now()).toISOString()
  const entry = scores
    .filter((s) => s.status === 'scored')
    .map((s) => ({
      resource: toRiskAssessment({
        patientId: s.patient,
        model: { name: job.model, version: job.version },
        prediction: { score: s.score!, ...(s.label ? { label: s.label } : {}) },
        basis: basis.get(s.patient) ?? [],
        occurrence,
        requestId,
      }),
      request: { method: 'POST', url: 'RiskAssessment' },
    }))
  await deps.fhir.transaction({ resourceType: 'Bundle', type: 'transaction', entry })
  await deps.audit.logDataAccess({
    userId: job.createdBy,
    action: 'fhir.create',
    requestId,
    context: { job: job.id, resourceType: 'RiskAssessment', count: entry.length },
  })
}
