import { NexoraError, type Caller, type FrontDoorContext } from '../../core/index.ts'
import type { Card } from './card-schema.ts'
import { riskCard } from './cards.ts'
import type { FhirReader } from './fhir-reader.ts'
import { gather } from './gather.ts'
import type { HookRequest } from './request-schema.ts'
import { patientRow, type PatientRow } from './row.ts'
import type { CdsService } from './services.ts'

export interface AssessInput {
  service: CdsService
  request: HookRequest
  caller: Caller
  /** The pipeline's request id, which is also the card's uuid (feedback finds the assessment by it). */
  requestId: string
  /**
   * The reader on the request's `fhirServer`, or why there is none. Called inside the audited
   * part of the pipeline, so a refused `fhirServer` (`cds.fhir_server_refused`) is recorded too.
   */
  access: () => FhirReader | { unavailable: string }
  links: { modelCard: string; launch: string; sourceAttributes: string }
}

/**
 * One hook call through the one pipeline: the FHIR data is gathered and turned into the
 * model's row inside `loadRows`, after the request event is written, so the data access is
 * audited and a 412 is recorded like any other failure; then scoring, explanation, the
 * compliance stages, the response event and the metrics, and finally the card. A deceased
 * patient (for a model that does not apply to them) gets no card and no score: the refusal is
 * in the audit trail (`predict.response`, reason `patient.deceased`) and the answer is empty.
 */
export async function assess(ctx: FrontDoorContext, input: AssessInput): Promise<Card[]> {
  const { service, request } = input
  const patientId = request.context.patientId as string
  const now = ctx.clock.now()
  let extracted: PatientRow | undefined
  const result = await ctx
    .predict(
      {
        model: service.manifest.name,
        version: service.manifest.version,
        explain: true,
        purpose: 'treatment',
        rows: [{ patientRef: `Patient/${patientId}`, features: {} }],
      },
      input.caller,
      input.requestId,
      {
        route: 'cds-hooks',
        loadRows: async () => {
          const gathered = await gather({ templates: service.templates, request, now, reader: input.access() })
          extracted = patientRow(service.etl, gathered.resources, patientId, now, service.manifest)
          // Keys and counts only: which data came from where, never the data.
          const context = {
            source: 'cds-hooks',
            hook: request.hook,
            hookInstance: request.hookInstance,
            resources: gathered.resources.length,
            ...gathered.sources,
          }
          return { rows: [extracted.row], context }
        },
      },
    )
    .catch((error: unknown) => {
      // The pipeline has already recorded the refusal; a deceased patient gets no card, never a score.
      if (error instanceof NexoraError && error.code === 'patient.deceased') return undefined
      throw error
    })
  if (!result) return []
  const card = riskCard({
    card: input.requestId,
    manifest: service.manifest,
    section: service.section,
    prediction: result.predictions[0]!,
    features: extracted!.features,
    basis: extracted!.basis,
    patientId,
    links: input.links,
    occurrence: new Date(now).toISOString(),
  })
  return card ? [card] : []
}
