/** The REST API, FHIR and Open Inference Protocol doors of the Unicode fuzz (test/security/unicode-fuzz.test.ts). */
import fc from 'fast-check'
import { fuzzString, mutated, optional, orFuzz, stringsIn, uriComponent } from '../unicode-fuzz.ts'
import {
  FEATURES,
  VALID_FEATURES,
  ISO,
  type Probe,
  refuses,
  extra,
  strippedOnly,
  withExtra,
  rawBytes,
  compact,
  pathStrings,
  bodyDoor,
  getDoor,
} from './probe.ts'

// ---- the REST API ----

const featureValue = fc.oneof(fuzzString, fc.double(), fc.boolean(), fc.constant(null))
const features = fc
  .tuple(fc.boolean(), fc.dictionary(orFuzz(...FEATURES), featureValue, { maxKeys: 4 }))
  .map(([base, d]) => (base ? { ...VALID_FEATURES, ...d } : d))
const clinicalEvent = fc.record({ code: orFuzz('ICD10:I50'), time: orFuzz(ISO), value: optional(fc.double()) }).map(compact)
const row = fc.record({ patientId: optional(orFuzz('Patient/demo-1')), features, sequence: optional(fc.array(clinicalEvent, { maxLength: 3 })) }).map(compact)
const predictBody = fc
  .record({
    model: orFuzz('readmission-risk', 'mortality-transformer', 'survival-cox'),
    version: optional(orFuzz('1.0.0')),
    alias: optional(orFuzz('production', 'latest')),
    purpose: optional(orFuzz('TREAT')),
    explain: optional(fc.boolean()),
    rows: fc.array(row, { minLength: 1, maxLength: 3 }),
  })
  .map(compact)
const VALID_PREDICT = {
  model: 'readmission-risk',
  purpose: 'TREAT',
  explain: true,
  rows: [{ patientId: 'Patient/pt-0001', features: VALID_FEATURES, sequence: [{ code: 'ICD10:I50', time: ISO }] }],
}
const predictBodies = fc.oneof(
  predictBody,
  mutated(VALID_PREDICT, [
    ['model'],
    ['version'],
    ['alias'],
    ['purpose'],
    ['rows', 0, 'patientId'],
    ['rows', 0, 'features', 'sex'],
    ['rows', 0, 'features', '*'],
    ['rows', 0, 'sequence', 0, 'code'],
    ['rows', 0, 'sequence', 0, 'time'],
  ]),
  mutated(VALID_PREDICT, [['rows', 0, 'patientId'], ['purpose']]),
)
/** A JSON POST to `path` with the API token: the known fields, an extra member, and maybe raw WTF-8 bytes. */
const jsonPost =
  (path: string) =>
  ([known, member, raw]: [Record<string, unknown>, [string, string] | undefined, boolean]): Probe => ({
    method: 'POST',
    path,
    body: withExtra(known, member),
    wtf8: raw,
    auth: 'api',
    format: 'problem',
    strings: stringsIn(withExtra(known, member)),
    refuse: refuses(known, raw),
    strippedOnly: strippedOnly(known, member, raw),
  })

export const restPredict = fc.tuple(predictBodies, extra, rawBytes).map(jsonPost('/predict'))

export const restModels = fc.oneof(
  getDoor('problem', (a) => `/models/${a}`),
  getDoor('problem', (a, b) => `/models/${a}/versions/${b}`),
  // Promote and archive never name a real version: a fuzzed one, or a valid-looking one that is not registered.
  bodyDoor({
    method: 'POST',
    format: 'problem',
    path: (s) => `/models/no-such-model/versions/${s}/promote`,
    validSegment: '9.9.9',
    body: fc.record({ stage: orFuzz('staging', 'production') }),
    validBody: { stage: 'staging' },
  }),
  getDoor('problem', (a, b) => `/models/${a}/versions/${b}-none/archive`).map((probe) => ({ ...probe, method: 'POST' })),
)

const jwsLike = 'eyJhbGciOiJFZERTQSJ9.eyJzZXEiOjF9.c2ln'
export const restAudit = fc.oneof(
  getDoor('problem', () => '/audit/events', ['actor', 'patient', 'action', 'model', 'requestId', 'outcome', 'format', 'after', 'limit']),
  getDoor('problem', () => '/audit/report', ['from', 'to']),
  fc
    .tuple(
      fc
        .record({
          fromSeq: optional(fc.integer({ min: -1, max: 5 })),
          toSeq: optional(fc.integer({ min: 1, max: 5 })),
          checkpoints: optional(fc.array(orFuzz(jwsLike), { maxLength: 3 })),
        })
        .map(compact),
      extra,
      rawBytes,
    )
    .map(jsonPost('/audit/verify')),
)

// ---- FHIR ----

const fhirBody = fc
  .record({
    model: orFuzz('readmission-fhir'),
    version: optional(orFuzz('1.0.0')),
    alias: optional(orFuzz('production')),
    explain: optional(fc.boolean()),
    purpose: optional(orFuzz('TREAT')),
    indexTime: optional(orFuzz(ISO)),
  })
  .map(compact)
const VALID_FHIR = { model: 'readmission-fhir', purpose: 'TREAT', explain: true }
const fhirBodies = fc.oneof(fhirBody, mutated(VALID_FHIR, [['model'], ['version'], ['alias'], ['purpose'], ['indexTime']]), mutated(VALID_FHIR, [['purpose']]))
export const fhirDoor = fc.oneof(
  {
    weight: 3,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'fhir',
      path: (id) => `/fhir/patient/${id}/predict`,
      validSegment: 'pt-0001',
      body: fhirBodies,
      validBody: { model: 'readmission-fhir' },
      query: ['format', 'writeBack', 'detail'],
    }),
  },
  { weight: 1, arbitrary: getDoor('fhir', () => '/fhir/patients', ['name', 'birthdate', '_count']) },
)

// ---- Open Inference Protocol (REST) ----

const oipInput = fc
  .record({
    name: orFuzz(...FEATURES),
    shape: fc.constant([1]),
    datatype: fc.constantFrom('BYTES', 'FP64'),
    data: fc.array(fc.oneof(fuzzString, fc.double()), { minLength: 1, maxLength: 2 }),
    parameters: optional(fc.dictionary(fuzzString, fuzzString, { maxKeys: 2 })),
  })
  .map(compact)
const validInputs = FEATURES.map((name) => ({
  name,
  shape: [1],
  datatype: name === 'sex' ? 'BYTES' : name === 'on_anticoagulant' ? 'BOOL' : 'FP64',
  data: [(VALID_FEATURES as Record<string, unknown>)[name]],
}))
const inferBody = fc
  .record({
    id: optional(fuzzString),
    parameters: optional(
      fc
        .record({
          patient_ref: optional(orFuzz('Patient/pt-0001')),
          purpose: optional(orFuzz('TREAT')),
          explain: optional(fc.boolean()),
          other: optional(fuzzString),
        })
        .map(compact),
    ),
    inputs: fc
      .tuple(fc.boolean(), fc.array(oipInput, { minLength: 1, maxLength: 3 }))
      .map(([base, inputs]) => (base ? [...validInputs.filter((v) => !inputs.some((i) => i.name === v.name)), ...inputs] : inputs)),
    outputs: optional(fc.array(fc.record({ name: orFuzz('score', 'label') }), { maxLength: 2 })),
  })
  .map(compact)
const VALID_INFER = { id: 'req-1', parameters: { patient_ref: 'Patient/pt-0001', purpose: 'TREAT' }, inputs: validInputs }
const inferBodies = fc.oneof(
  inferBody,
  mutated(VALID_INFER, [
    ['id'],
    ['parameters', 'patient_ref'],
    ['parameters', 'purpose'],
    ['parameters', '*'],
    ['inputs', 1, 'data', 0],
    ['inputs', 0, 'name'],
    ['inputs', 1, 'parameters'],
  ]),
)
export const oipDoor = fc.oneof(
  {
    weight: 4,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'oip',
      path: (name) => `/v2/models/${name}/infer`,
      validSegment: 'readmission-risk',
      body: inferBodies,
      validBody: { inputs: validInputs },
    }),
  },
  {
    weight: 1,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'oip',
      path: (v) => `/v2/models/readmission-risk/versions/${v}/infer`,
      validSegment: '1.0.0',
      body: inferBodies,
      validBody: { inputs: validInputs },
    }),
  },
  { weight: 1, arbitrary: getDoor('oip', (a) => `/v2/models/${a}`) },
  { weight: 1, arbitrary: getDoor('oip', (a, b) => `/v2/models/${a}/versions/${b}/ready`) },
  { weight: 1, arbitrary: getDoor('oip', (a, b) => `/v2/models/${a}/versions/${b}/stats`) },
  // Load is harmless on a served model; unload only ever names a fuzzed model.
  {
    weight: 1,
    arbitrary: bodyDoor({
      method: 'POST',
      format: 'oip',
      path: (name) => `/v2/repository/models/${name}/load`,
      validSegment: 'readmission-risk',
      body: fc.record({ parameters: fc.dictionary(fuzzString, fuzzString, { maxKeys: 3 }) }),
      validBody: {},
    }),
  },
  {
    weight: 1,
    arbitrary: fuzzString.map(
      (name): Probe => ({
        method: 'POST',
        path: `/v2/repository/models/${uriComponent(name)}/unload`,
        auth: 'api',
        format: 'oip',
        strings: pathStrings(name),
        refuse: false,
      }),
    ),
  },
)
