import { canonicalJson, type FhirResource, type JobWorker, type PopulationJob, toNexoraError } from '../../core/index.ts'
import { ClinicalETL, refuseDeceased } from '../etl/index.ts'
import { jobCaller, type PopulationDeps } from './engine.ts'

export const RESCORE_QUEUE = 'population-rescore'
/** Where feeds stage what they were sent, by patient, until a re-score reads it. */
export const FEED_STAGE = 'live-feed'
export const liveJobId = (model: string) => `live-${model}`

/** A patient's data changed: what a feed (HL7 v2, a FHIR Subscription) hands over. */
export interface ChangeEvent {
  patientId: string
  /** What the feed carried (mapped HL7 v2, a notification's resources); merged over the FHIR server's record. */
  resources: FhirResource[]
  source: 'hl7v2' | 'fhir-subscription'
}

export interface RescoreOptions {
  /** The models to re-score a changed patient with (each needs a FHIR feature spec). */
  models: string[]
  /** Changes to one patient within this window become one re-score, run when it closes. Default 30 s. */
  debounceMs?: number
  /** A score at or above this fires `webhook`. */
  threshold?: number
  /** Where to POST `risk.high` (the patient reference, model, version, score; never a name). */
  webhook?: string
  /** Sends the webhook (the monitoring plugin's delivery, with retries and an audit event each). Default: plain fetch. */
  send?: (url: string, kind: string, payload: Record<string, unknown>) => Promise<unknown>
}

/**
 * An id for a resource a feed sent without one (an HL7 v2 visit with no PV1-19): from its content,
 * so the same message sent again stages the same row instead of a second copy. FNV-1a, 64-bit.
 */
function contentId(resource: FhirResource): string {
  let h = 0xcbf29ce484222325n
  for (const c of canonicalJson(resource)) h = BigInt.asUintN(64, (h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n)
  return `feed-${h.toString(16)}`
}

interface RescoreData {
  patient: string
}

/**
 * Scoring on change. `accept` stages what a feed carried and enqueues one debounced re-score of
 * the patient; it resolves once both are committed (a feed acknowledges only then). The re-score
 * reads the FHIR server's record (when one is configured) with the staged resources over it, scores
 * with each model through the one pipeline and writes the result to the model's standing job
 * `live-<model>`, replacing the patient's previous live score.
 */
export function rescoreFeed(deps: PopulationDeps, options: RescoreOptions) {
  const window = options.debounceMs ?? 30_000
  const send =
    options.send ??
    ((url: string, kind: string, payload: Record<string, unknown>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind, ...payload }), redirect: 'manual' }))
  return {
    async accept(event: ChangeEvent): Promise<void> {
      const staged = event.resources.map((resource) => ({
        patient: event.patientId,
        type: resource.resourceType,
        id: resource.id ?? contentId(resource),
        resource,
      }))
      await deps.store.stage(FEED_STAGE, staged, { replace: true })
      const now = deps.clock.now()
      const closes = (Math.floor(now / window) + 1) * window
      await deps.queue.send<RescoreData>(
        RESCORE_QUEUE,
        { patient: event.patientId },
        { key: `rescore/${event.patientId}/${closes}`, startAfterMs: closes - now, retryLimit: 3, retryDelayMs: 5000 },
      )
    },
    start: (workOptions: { pollIntervalMs?: number } = {}): Promise<JobWorker> =>
      deps.queue.work<RescoreData>(RESCORE_QUEUE, (job) => rescore(deps, job.data.patient, options, send), workOptions),
  }
}

async function liveJob(deps: PopulationDeps, model: string, version: string): Promise<PopulationJob> {
  const id = liveJobId(model)
  const existing = await deps.store.getJob(id)
  if (existing) return existing
  const now = new Date(deps.clock.now()).toISOString()
  const job: PopulationJob = {
    id,
    model,
    version,
    source: { level: 'staged' },
    indexTime: now,
    state: 'live',
    total: 0,
    shards: 0,
    shardSize: 1,
    writeBack: false,
    createdBy: 'nexora-feeds',
    createdAt: now,
    startedAt: now,
  }
  await deps.store.createJob(job).catch(() => undefined) // another worker made it first
  return job
}

async function rescore(deps: PopulationDeps, patient: string, options: RescoreOptions, send: NonNullable<RescoreOptions['send']>) {
  const fromServer = deps.fhir ? await deps.fhir.everything(patient).catch((e) => (toNexoraError(e).code === 'fhir.not_found' ? [] : Promise.reject(e))) : []
  const fed = (await deps.store.staged(FEED_STAGE, patient, patient)).map((s) => s.resource)
  // The feed's resources win over the server's copy of the same resource (the message is newer).
  const byKey = new Map<string, FhirResource>()
  for (const r of [...fromServer, ...fed]) byKey.set(`${r.resourceType}/${r.id}`, r)
  const record = { patientId: patient, resources: [...byKey.values()] }
  if (!record.resources.some((r) => r.resourceType === 'Patient')) return
  const now = deps.clock.now()
  for (const name of options.models) {
    const stored = await deps.registry.resolve(name)
    if (!stored.manifest.featureSpec) continue
    const job = await liveJob(deps, stored.name, stored.version)
    const base = { job: job.id, patient, model: stored.name, version: stored.version, scoredAt: new Date(now).toISOString() }
    try {
      refuseDeceased(stored.manifest, record.resources, now)
      const row = new ClinicalETL(stored.manifest.featureSpec).transform(record, { now })
      const features = Object.fromEntries(Object.entries(row.features).filter(([, v]) => v !== null)) as Record<string, number | string | boolean>
      const result = await deps.predict(
        {
          model: stored.name,
          version: stored.version,
          rows: [{ patientRef: `Patient/${patient}`, features }],
          purpose: 'rescore',
          requestId: `${job.id}/${now}`,
        },
        jobCaller(job),
      )
      const p = result.predictions[0]!
      await deps.store.putScores([{ ...base, status: 'scored', score: p.score, label: p.label ?? null, reason: null }], { replace: true })
      if (options.webhook && options.threshold !== undefined && p.score >= options.threshold) {
        await send(options.webhook, 'risk.high', {
          patient: `Patient/${patient}`,
          model: stored.name,
          version: stored.version,
          score: p.score,
          threshold: options.threshold,
          requestId: result.requestId,
        })
      }
    } catch (thrown) {
      const error = toNexoraError(thrown)
      if (error.status >= 500) throw thrown
      await deps.store.putScores([{ ...base, status: 'skipped', score: null, label: null, reason: error.code }], { replace: true })
    }
  }
}
