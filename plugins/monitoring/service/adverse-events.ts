import type { AdverseEvent as FhirAdverseEvent } from 'fhir/r4.js'
import type { AdverseEvent, AdverseEventInput, AdverseEventStore, AdverseSeverity, Caller, Clock, FhirResource } from '../../../core/index.ts'
import { codeOrNull } from './codes.ts'
import type { WebhookDelivery } from './webhooks.ts'

const TERMINOLOGY = 'http://terminology.hl7.org/CodeSystem'
/** R4 has three severities; the two graver grades map to `severe` and are kept in seriousness/outcome. */
const FHIR_SEVERITY: Record<AdverseSeverity, 'mild' | 'moderate' | 'severe'> = {
  mild: 'mild',
  moderate: 'moderate',
  severe: 'severe',
  'life-threatening': 'severe',
  death: 'severe',
}
const SERIOUS = new Set<AdverseSeverity>(['severe', 'life-threatening', 'death'])

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/**
 * The event as a FHIR R4 AdverseEvent. R4 has no description element, so the text goes in the
 * narrative; Nexora's own grade travels as an `event` coding beside the R4 severity so no detail
 * is lost (life-threatening and death are both R4 `severe`, Serious; death adds outcome `fatal`).
 * The model version is the suspect entity, by identifier.
 */
export function toFhirAdverseEvent(e: AdverseEvent): FhirResource {
  // Checked against the R4 type here; published as a FhirResource so the declarations need no @types/fhir.
  const resource = {
    resourceType: 'AdverseEvent' as const,
    id: e.id,
    identifier: { system: 'urn:nexora:adverse-event', value: e.id },
    actuality: 'actual',
    text: { status: 'additional', div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escapeHtml(e.description)}</p></div>` },
    event: {
      coding: [
        { system: 'urn:nexora:adverse-event-type', code: e.type },
        { system: 'urn:nexora:adverse-event-grade', code: e.severity },
      ],
      text: e.type,
    },
    subject: e.patientRef ? { reference: e.patientRef } : { display: 'not recorded' },
    date: e.occurredAt,
    recordedDate: e.createdAt,
    seriousness: { coding: [{ system: `${TERMINOLOGY}/adverse-event-seriousness`, code: SERIOUS.has(e.severity) ? 'Serious' : 'Non-serious' }] },
    severity: { coding: [{ system: `${TERMINOLOGY}/adverse-event-severity`, code: FHIR_SEVERITY[e.severity] }] },
    ...(e.severity === 'death' ? { outcome: { coding: [{ system: `${TERMINOLOGY}/adverse-event-outcome`, code: 'fatal' }] } } : {}),
    recorder: { identifier: { system: 'urn:nexora:subject', value: e.reporter } },
    ...(e.model
      ? {
          suspectEntity: [
            {
              instance: {
                type: 'Device',
                identifier: { system: 'urn:nexora:model', value: e.version ? `${e.model}@${e.version}` : e.model },
                display: `Nexora model ${e.model}${e.version ? `@${e.version}` : ''}`,
              },
            },
          ],
        }
      : {}),
  } satisfies FhirAdverseEvent
  return resource
}

export interface AdverseEventServiceOptions {
  store: AdverseEventStore
  clock: Clock
  webhooks: WebhookDelivery
  /** Webhooks told about every event at or above `alertAt`. */
  hooks: string[]
  /** Default: severe, life-threatening and death. */
  alertAt?: AdverseSeverity[]
  /** Told about each event at or above `alertAt` (a canary's `adverse_event` rollback rule). */
  onAlert?: (event: AdverseEvent) => void
  newId?: () => string
}

/** A time as UTC ISO-8601, or null when it does not parse: webhooks carry times Nexora wrote. */
const utc = (ts: string) => (Number.isNaN(Date.parse(ts)) ? null : new Date(ts).toISOString())

/**
 * What a webhook learns of an event: ids, codes and times only. The type and the description
 * are the reporter's free text and the patient is PHI, so none of them leaves; the receiver
 * reads the event by its id (`GET /adverse-events/{id}`, authenticated) when it needs them.
 * Model, version and prediction id go only when they have the shape of one (intake checks it).
 */
export function adverseEventAlert(e: AdverseEvent): Record<string, unknown> {
  return {
    id: e.id,
    severity: e.severity,
    status: e.status,
    model: codeOrNull('model', e.model),
    version: codeOrNull('version', e.version),
    predictionId: codeOrNull('predictionId', e.predictionId),
    occurredAt: utc(e.occurredAt),
    createdAt: utc(e.createdAt),
    updatedAt: utc(e.updatedAt),
  }
}

/**
 * Report, read and update adverse events. A report at an alerting severity is POSTed to every hook
 * (with retry, and an audit event per delivery) carrying ids and codes only (`adverseEventAlert`).
 */
export function adverseEventService(o: AdverseEventServiceOptions) {
  const alertAt = new Set(o.alertAt ?? ['severe', 'life-threatening', 'death'])
  const newId = o.newId ?? (() => crypto.randomUUID())
  const alert = (e: AdverseEvent) => {
    if (!alertAt.has(e.severity)) return
    o.onAlert?.(e)
    for (const url of o.hooks) {
      void o.webhooks.send(url, 'adverse-event', adverseEventAlert(e))
    }
  }
  return {
    async create(input: AdverseEventInput, caller: Caller): Promise<AdverseEvent> {
      const now = new Date(o.clock.now()).toISOString()
      const event: AdverseEvent = {
        id: newId(),
        type: input.type,
        severity: input.severity,
        description: input.description,
        status: 'reported',
        occurredAt: input.occurredAt ?? now,
        predictionId: input.predictionId ?? null,
        model: input.model ?? null,
        version: input.version ?? null,
        patientRef: input.patientRef ?? null,
        reporter: caller.subject,
        createdAt: now,
        updatedAt: now,
      }
      await o.store.create(event)
      alert(event)
      return event
    },
    /** An update that raises the severity to an alerting grade alerts too. */
    async update(id: string, patch: Parameters<AdverseEventStore['update']>[1]): Promise<AdverseEvent | undefined> {
      const before = await o.store.get(id)
      if (!before) return undefined
      const after = await o.store.update(id, patch, new Date(o.clock.now()).toISOString())
      if (after && !alertAt.has(before.severity)) alert(after)
      return after
    },
  }
}
