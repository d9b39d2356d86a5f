/** The CDS Hooks, PHI, de-identification, monitoring and adverse-event doors of the Unicode fuzz. */
import fc from 'fast-check'
import { fuzzString, mutated, optional, orFuzz } from '../unicode-fuzz.ts'
import { ISO, compact, bodyDoor, getDoor } from './probe.ts'

// ---- CDS Hooks ----

/**
 * The EHR patient and the prefetch the CDS service templates ask for, read from the dev FHIR server
 * by the test's beforeAll; hook requests are generated after it, so they see the filled values.
 */
export const cdsFixture: { patient: string; prefetch: Record<string, unknown> } = { patient: '', prefetch: {} }

/** Three in four times `usual`, else `other`. */
const mostly = <A, B>(usual: fc.Arbitrary<A>, other: fc.Arbitrary<B>) => fc.oneof({ arbitrary: usual, weight: 3 }, { arbitrary: other, weight: 1 })

/** The prefetched record with some of its string leaves (picked by index) replaced by fuzz strings. */
function mutateLeaves(value: unknown, edits: [number, string][]): unknown {
  const copy = structuredClone(value)
  const leaves: [Record<string, unknown>, string][] = []
  const stack: unknown[] = [copy]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string') leaves.push([v as Record<string, unknown>, k])
        else stack.push(x)
      }
  }
  for (const [at, text] of edits) {
    const [obj, key] = leaves[at % leaves.length]!
    obj[key] = text
  }
  return copy
}
const hookRequest = fc
  .record({
    hookInstance: mostly(fc.uuid(), fuzzString),
    userId: mostly(fc.constant('Practitioner/dr-1'), fuzzString),
    patientId: mostly(fc.constant(undefined), fuzzString),
    contextExtra: fc.dictionary(fuzzString, fuzzString, { maxKeys: 2 }),
    edits: fc.array(fc.tuple(fc.nat(), fuzzString), { maxLength: 3 }),
    prefetched: mostly(fc.constant(true), fc.constant(false)),
  })
  .map((r) => ({
    hook: 'patient-view',
    hookInstance: r.hookInstance,
    context: { userId: r.userId, patientId: r.patientId ?? cdsFixture.patient, ...r.contextExtra },
    ...(r.prefetched ? { prefetch: mutateLeaves(cdsFixture.prefetch, r.edits) } : {}),
  }))
const feedbackBody = fc
  .record({
    card: orFuzz('d1577c69-dfbe-44ad-ba6d-3e05e953b2ea'),
    outcome: orFuzz('overridden', 'accepted'),
    outcomeTimestamp: orFuzz(ISO),
    acceptedSuggestions: optional(fc.array(fc.record({ id: orFuzz('s-1') }), { maxLength: 2 })),
    overrideReason: optional(
      fc
        .record({
          reason: optional(fc.record({ system: orFuzz('http://example.org'), code: orFuzz('not-relevant'), display: optional(fuzzString) }).map(compact)),
          userComment: optional(fuzzString),
        })
        .map(compact),
    ),
  })
  .map((item) => ({ feedback: [compact(item)] }))
export const cdsDoor = fc.oneof(
  {
    weight: 3,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'cds',
      auth: 'cds',
      path: (id) => `/cds-services/${id}`,
      validSegment: 'readmission-fhir',
      body: hookRequest,
      validBody: { hook: 'patient-view', hookInstance: 'x-1', context: { userId: 'Practitioner/dr-1', patientId: 'pt-0001' } },
    }),
  },
  {
    weight: 1,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'cds',
      auth: 'cds',
      path: (id) => `/cds-services/${id}/feedback`,
      validSegment: 'readmission-fhir',
      body: feedbackBody,
      validBody: { feedback: [{ card: 'c-1', outcome: 'overridden', outcomeTimestamp: ISO }] },
    }),
  },
)

// ---- PHI, de-identification, monitoring and adverse events ----

const resource = fc
  .record({
    resourceType: orFuzz('Patient', 'Observation'),
    id: optional(fuzzString),
    name: optional(fc.array(fc.record({ family: fuzzString, given: fc.array(fuzzString, { maxLength: 2 }) }), { maxLength: 2 })),
    note: optional(fc.array(fc.record({ text: fuzzString }), { maxLength: 2 })),
  })
  .map(compact)
export const phiDoor = fc.oneof(
  bodyDoor({
    method: 'POST',
    format: 'problem',
    path: () => '/phi/detect',
    validSegment: '',
    body: fc.record({ text: optional(fuzzString), resource: optional(resource) }).map(compact),
    validBody: {},
  }),
  bodyDoor({
    method: 'POST',
    format: 'problem',
    path: () => '/deidentify',
    validSegment: '',
    validBody: {},
    body: fc
      .record({
        text: optional(fuzzString),
        resource: optional(resource),
        patientId: optional(fuzzString),
        dates: optional(orFuzz('shift', 'year')),
        operators: optional(fc.dictionary(orFuzz('NAME', 'DATE'), orFuzz('redact', 'mask'), { maxKeys: 2 })),
      })
      .map(compact),
  }),
)
const adverseEvent = fc
  .record({
    type: orFuzz('bleeding'),
    severity: orFuzz('mild', 'severe'),
    description: fuzzString,
    occurredAt: optional(orFuzz(ISO)),
    predictionId: optional(orFuzz('req-1#0')),
    model: optional(orFuzz('readmission-risk')),
    version: optional(orFuzz('1.0.0')),
    patientRef: optional(orFuzz('Patient/pt-0001')),
  })
  .map(compact)
const VALID_ADVERSE = {
  type: 'bleeding',
  severity: 'moderate',
  description: 'GI bleed after the score',
  model: 'readmission-risk',
  version: '1.0.0',
  patientRef: 'Patient/pt-0001',
  occurredAt: ISO,
}
const adverseEvents = fc.oneof(
  adverseEvent,
  mutated(VALID_ADVERSE, [['type'], ['severity'], ['description'], ['model'], ['version'], ['patientRef'], ['occurredAt']]),
  mutated(VALID_ADVERSE, [['description'], ['type']]),
)
export const monitoringDoor = fc.oneof(
  bodyDoor({
    method: 'POST',
    format: 'problem',
    path: () => '/adverse-events',
    validSegment: '',
    body: adverseEvents,
    validBody: { type: 'x', severity: 'mild', description: 'y' },
  }),
  bodyDoor({
    method: 'PATCH',
    format: 'problem',
    path: (id) => `/adverse-events/${id}`,
    validSegment: 'ae-none',
    body: fc.record({ status: optional(orFuzz('closed')), description: optional(fuzzString), type: optional(fuzzString) }).map(compact),
    validBody: { status: 'closed' },
  }),
  bodyDoor({
    method: 'POST',
    format: 'problem',
    path: () => '/monitoring/outcomes',
    validSegment: '',
    validBody: { outcomes: [] },
    body: fc.record({
      outcomes: fc.array(
        fc
          .record({
            model: orFuzz('readmission-risk'),
            patient: optional(orFuzz('Patient/pt-0001')),
            predictionId: optional(orFuzz('req-1#0')),
            value: fc.constantFrom(0, 1),
            observedAt: optional(orFuzz(ISO)),
          })
          .map(compact),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  }),
  getDoor('problem', (a) => `/adverse-events/${a}`),
  getDoor('problem', (a) => `/adverse-events/${a}/fhir`),
  getDoor('problem', () => '/adverse-events', ['model', 'severity', 'status', 'patient', 'from', 'to', 'limit', 'offset']),
  getDoor('problem', () => '/monitoring/performance', ['model', 'version', 'from', 'to', 'threshold', 'bins']),
  getDoor('problem', () => '/monitoring/fairness', ['model', 'attribute', 'minGroupSize']),
  getDoor('problem', () => '/monitoring/drift', ['model', 'version', 'reference']),
  getDoor('problem', () => '/monitoring/overrides', ['model', 'version', 'from', 'to']),
)
