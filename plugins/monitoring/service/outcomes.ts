import { NexoraError, type FhirResource, type FhirSource, type OutcomeRecord, type PredictionLog } from '../../../core/index.ts'
import { patientReference, type Pseudonyms } from './pseudonym.ts'

export interface OutcomeInput {
  model: string
  /** `Patient/<id>` or `<id>`: joined by pseudonym to that patient's predictions in the horizon. */
  patient?: string
  /** `<requestId>#<row>` from a /predict response: labels exactly that prediction. */
  predictionId?: string
  value: number
  /** When the outcome happened; default now. */
  observedAt?: string
}

/** Turn posted outcomes into pseudonymous records (the patient reference stops here) and store them. */
export async function recordOutcomes(inputs: OutcomeInput[], deps: { log: PredictionLog; pseudonyms: Pseudonyms; now: () => number }): Promise<number> {
  for (const o of inputs)
    if (!o.patient && !o.predictionId) throw new NexoraError('request.invalid', { detail: 'each outcome needs a patient or a predictionId' })
  const keys = await deps.pseudonyms.keys(inputs.flatMap((o) => (o.patient ? [o.patient] : [])))
  const at = new Date(deps.now()).toISOString()
  await deps.log.addOutcomes(
    inputs.map((o) => ({
      model: o.model,
      subjectKey: o.patient ? keys.get(o.patient)! : null,
      predictionId: o.predictionId ?? null,
      // Normalised to UTC with milliseconds: stores compare times as strings, and `+01:00` or a
      // missing `.000` would sort wrongly against the log's own timestamps.
      value: o.value,
      observedAt: o.observedAt ? new Date(o.observedAt).toISOString() : at,
      source: 'api',
    })),
  )
  return inputs.length
}

/**
 * Find outcomes in the EHR: resources of one type that mean "the outcome happened" for a model,
 * e.g. an inpatient Encounter (readmission) or a Condition with a sepsis code.
 * @example
 * { name: 'readmission', model: 'readmission-risk', resourceType: 'Encounter',
 *   params: { class: 'IMP' }, where: "class.code = 'IMP'", date: 'period.start', labelNegatives: true }
 */
export interface OutcomeRule {
  name: string
  model: string
  resourceType: string
  /** Search parameters for the server (it may ignore some; `where` is checked here regardless). */
  params?: Record<string, string>
  /** FHIRPath that must be true on a resource for it to count. */
  where?: string
  /** FHIRPath of when it happened. Default: the first of period.start, onset, recordedDate, effective, issued, date. */
  date?: string
  /** The outcome value a match records. Default 1. */
  value?: number
  /** After a pull, predictions whose horizon has passed with no outcome are labelled 0. */
  labelNegatives?: boolean
}

const DEFAULT_DATE = 'period.start | onsetDateTime | onsetPeriod.start | recordedDate | effectiveDateTime | effectivePeriod.start | issued | date'

function subjectOf(r: FhirResource): string | undefined {
  const ref = (r.subject as { reference?: string } | undefined)?.reference ?? (r.patient as { reference?: string } | undefined)?.reference
  return ref?.startsWith('Patient/') ? ref : undefined
}

/**
 * Run one rule against the FHIR server: search, filter, key each subject, keep the subjects the
 * log has predictions for, and store their outcomes. Returns counts only.
 */
export async function pullOutcomes(
  rule: OutcomeRule,
  deps: { fhir: FhirSource; log: PredictionLog; pseudonyms: Pseudonyms; now: () => number; horizonMs: number },
) {
  // FHIRPath is loaded on first pull: the monitoring plugin's numerical side stays dependency-free.
  const { compilePath } = await import('../../etl/index.ts')
  const where = rule.where ? compilePath(rule.where) : undefined
  const date = compilePath(rule.date ?? DEFAULT_DATE)
  const found: { patient: string; observedAt: string }[] = []
  let scanned = 0
  for await (const r of deps.fhir.search(rule.resourceType, rule.params ?? {})) {
    scanned++
    if (r.resourceType !== rule.resourceType) continue
    if (where && where(r)[0] !== true) continue
    const patient = subjectOf(r)
    const when = date(r)[0]
    const parsed = when === undefined || when === null ? Number.NaN : Date.parse(String(when))
    const observedAt = Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString()
    if (patient && observedAt) found.push({ patient, observedAt })
  }
  const keys = await deps.pseudonyms.keys(found.map((f) => patientReference(f.patient)))
  const known = await deps.log.knownSubjects(rule.model, [...keys.values()])
  const records: OutcomeRecord[] = found
    .filter((f) => known.has(keys.get(f.patient)!))
    .map((f) => ({
      model: rule.model,
      subjectKey: keys.get(f.patient)!,
      predictionId: null,
      value: rule.value ?? 1,
      observedAt: f.observedAt,
      source: `fhir:${rule.name}`,
    }))
  await deps.log.addOutcomes(records)
  let negatives = 0
  if (rule.labelNegatives) {
    const cutoff = deps.now() - deps.horizonMs
    const open = (await deps.log.window({ model: rule.model, to: new Date(cutoff).toISOString() }, deps.horizonMs)).filter((p) => p.outcome === null)
    await deps.log.addOutcomes(
      open.map((p) => ({
        model: rule.model,
        subjectKey: null,
        predictionId: p.id,
        value: 0,
        observedAt: new Date(Date.parse(p.ts) + deps.horizonMs).toISOString(),
        source: `fhir:${rule.name}:none`,
      })),
    )
    negatives = open.length
  }
  return { rule: rule.name, scanned, matched: found.length, recorded: records.length, negatives }
}
