import type { FhirResource } from '../core/index.ts'
import type { PhiSpan, PhiType } from '../plugins/phi/index.ts'

/** All synthetic: no real person, address or number. */
export const KEY = 'test-deid-key-0123456789abcdef'
export const OTHER_KEY = 'another-deid-key-fedcba9876543210'

/** Hand-made spans for operator tests: each [substring, type] found in order. */
export function spansFor(text: string, items: [string, PhiType][]): PhiSpan[] {
  let from = 0
  return items.map(([needle, type]) => {
    const start = text.indexOf(needle, from)
    if (start < 0) throw new Error(`fixture: ${needle} not in text`)
    from = start + needle.length
    return { start, end: start + needle.length, type, score: 1, detector: 'test' }
  })
}

export const patient = (): FhirResource => ({
  resourceType: 'Patient',
  id: 'pat-1001',
  meta: { lastUpdated: '2024-05-01T10:00:00Z', source: 'https://ehr.example/records/pat-1001' },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">John Smith, MRN 48213377</div>' },
  identifier: [
    { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:1.2.3.4', value: '48213377' },
    { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
  ],
  name: [{ use: 'official', family: 'Smith', given: ['John', 'Quincy'], prefix: ['Mr.'] }],
  telecom: [
    { system: 'phone', value: '617-555-0142' },
    { system: 'email', value: 'john.smith@example.com' },
  ],
  gender: 'male',
  birthDate: '1961-07-14',
  address: [{ use: 'home', line: ['41 Orchard Lane'], city: 'Springfield', state: 'MA', postalCode: '01109', country: 'US' }],
  photo: [{ contentType: 'image/png', data: 'iVBORw0KGgo=' }],
  contact: [{ name: { family: 'Smith', given: ['Mary'] }, telecom: [{ system: 'phone', value: '617-555-0199' }] }],
  generalPractitioner: [{ reference: 'Practitioner/prac-7', display: 'Dr. Laura Alvarez' }],
})

export const NOTE = 'John Smith (MRN 48213377) was admitted on 03/04/2024 and discharged on 03/14/2024. Contact john.smith@example.com or 617-555-0142.'

export const observation = (id: string, subject: string, date: string): FhirResource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: subject },
  effectiveDateTime: date,
  valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  note: [{ text: NOTE }],
})

/** Two patients, one by `Patient/id` reference and one by `urn:uuid:` fullUrl. */
export const bundle = () => ({
  resourceType: 'Bundle' as const,
  type: 'collection',
  id: 'b-1',
  timestamp: '2024-05-02T08:00:00Z',
  link: [{ relation: 'self', url: 'https://ehr.example/fhir/Patient?identifier=48213377' }],
  entry: [
    { fullUrl: 'https://ehr.example/fhir/Patient/pat-1001', resource: patient() },
    { fullUrl: 'https://ehr.example/fhir/Observation/obs-1', resource: observation('obs-1', 'Patient/pat-1001', '2024-03-04T09:30:00Z') },
    { fullUrl: 'https://ehr.example/fhir/Observation/obs-2', resource: observation('obs-2', 'Patient/pat-1001', '2024-03-14T09:30:00Z') },
    {
      fullUrl: 'https://ehr.example/fhir/Practitioner/prac-7',
      resource: { resourceType: 'Practitioner', id: 'prac-7', name: [{ family: 'Alvarez', given: ['Laura'] }] },
    },
    {
      fullUrl: 'urn:uuid:6f1c2a34-8d2e-4b7a-9c1d-2e3f4a5b6c7d',
      resource: { resourceType: 'Patient', name: [{ family: 'Nguyen', given: ['Ana'] }], birthDate: '1990-02-01' },
    },
    {
      fullUrl: 'urn:uuid:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      resource: {
        resourceType: 'Condition',
        subject: { reference: 'urn:uuid:6f1c2a34-8d2e-4b7a-9c1d-2e3f4a5b6c7d' },
        code: { text: 'Asthma' },
        onsetDateTime: '2024-03-04',
        recordedDate: '2024-03-14',
      },
    },
  ],
})
