import { describe, expect, it } from 'vitest'
import { detectPhiInResource } from '../../plugins/phi/index.ts'

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Patient <b>John Smith</b>, DOB 03/14/1950</p></div>' },
  identifier: [
    { system: 'http://hl7.org/fhir/sid/us-ssn', value: '123-45-6789' },
    { type: { coding: [{ code: 'MR' }] }, system: 'urn:oid:1.2.3', value: 'A884213' },
  ],
  name: [{ family: 'Smith', given: ['John'] }],
  telecom: [
    { system: 'phone', value: '617-555-0142' },
    { system: 'email', value: 'j@x.org' },
    { system: 'fax', value: '617-555-0199' },
  ],
  gender: 'male',
  birthDate: '1950-03-14',
  address: [{ line: ['42 Oak Street'], city: 'Boston', state: 'MA', postalCode: '02139' }],
  photo: [{ contentType: 'image/jpeg', url: 'https://x/photo.jpg' }],
  contact: [{ name: { given: ['Mary'] }, telecom: [{ system: 'phone', value: '617-555-0100' }] }],
}

describe('detectPhiInResource', () => {
  it('finds Patient elements by path and type', () => {
    const f = detectPhiInResource(patient)
      .filter((x) => !x.spans)
      .map((x) => `${x.path}:${x.type}`)
    expect(f).toEqual(
      expect.arrayContaining([
        'Patient.identifier[0]:SSN',
        'Patient.identifier[1]:MRN',
        'Patient.name[0]:NAME',
        'Patient.telecom[0]:PHONE',
        'Patient.telecom[1]:EMAIL',
        'Patient.telecom[2]:FAX',
        'Patient.birthDate:DATE',
        'Patient.address[0].line[0]:ADDRESS',
        'Patient.address[0].city:CITY',
        'Patient.address[0].postalCode:ZIP',
        'Patient.photo[0]:BIOMETRIC_ID',
        'Patient.contact[0].name:NAME',
        'Patient.contact[0].telecom[0]:PHONE',
      ]),
    )
    expect(f.some((x) => x.includes('.state') || x.includes('gender'))).toBe(false)
  })
  it('text.div is scanned with tags blanked and offsets into the div', () => {
    const div = patient.text.div
    const found = detectPhiInResource(patient).filter((x) => x.path === 'Patient.text.div')
    const texts = found.flatMap((x) => x.spans ?? []).map((s) => div.slice(s.start, s.end))
    expect(texts).toEqual(expect.arrayContaining(['John Smith', '03/14/1950']))
  })
  it('Observation note text and dates are found; codes are not', () => {
    const obs = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
      effectiveDateTime: '2021-03-14T10:30:00Z',
      valueQuantity: { value: 72, unit: '/min' },
      note: [{ text: 'Called daughter Maria Lopez at 617-555-0142.' }],
    }
    const f = detectPhiInResource(obs)
    expect(f.map((x) => `${x.path}:${x.type}`)).toEqual([
      'Observation.effectiveDateTime:DATE',
      'Observation.note[0].text:NAME',
      'Observation.note[0].text:PHONE',
    ])
    const note = obs.note[0]?.text ?? ''
    const name = f.find((x) => x.type === 'NAME')?.spans?.[0]
    expect(name && note.slice(name.start, name.end)).toBe('Maria Lopez')
  })
})
