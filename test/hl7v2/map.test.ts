import { describe, expect, it } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import { type Hl7MapOptions, hl7ToFhir, parseHl7 } from '../../plugins/hl7v2/index.ts'
import { toFhirDate, toFhirDateTime } from '../../plugins/hl7v2/time.ts'
import { fixture, synthetic, withSegment } from '../../testkit/hl7-fixtures.ts'

const map = async (text: string, options?: Hl7MapOptions) => hl7ToFhir(await parseHl7(text), options)

/** The coded error a message is refused with, and the field it names. */
async function refusal(text: string): Promise<{ code: string; path?: string }> {
  try {
    await map(text)
  } catch (error) {
    expect(error).toBeInstanceOf(NexoraError)
    const e = error as NexoraError
    return { code: e.code, path: e.issues?.[0]?.path }
  }
  throw new Error('the message was accepted')
}

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode'
const MSH = (type: string, id = 'X1', version = '2.5.1') => `MSH|^~\\&|SND|SF|RCV|RF|20240101120000+0100||${type}|${id}|P|${version}`
const PID = 'PID|1||P-1^^^HOSP^MR||Roe^Richard||19700101|M'
const PV1 = 'PV1|1|I|W1^1^A|||||||||||||||||V-9'

describe('hl7ToFhir on the published examples (test/hl7v2/fixtures)', () => {
  it('maps the HL7 standard ADT^A01 (Medplum copy): Patient and Encounter, field by field', async () => {
    const mapped = await map(fixture('medplum-adt-a01'))
    expect(mapped.event).toBe('A01')
    expect(mapped.controlId).toBe('MSG00001')
    expect(mapped.patientId).toBe('PATID1234')
    expect(mapped.resources).toEqual([
      {
        resourceType: 'Patient',
        id: 'PATID1234',
        identifier: [{ value: 'PATID1234' }],
        name: [{ family: 'JONES', given: ['WILLIAM', 'A'], suffix: ['III'] }],
        birthDate: '1961-06-15',
        // PID-8 is "M-" in the published message: not a table 0001 code, so no gender rather than a guess.
      },
      {
        resourceType: 'Encounter',
        status: 'in-progress',
        class: { system: ACT, code: 'IMP', display: 'inpatient encounter' },
        subject: { reference: 'Patient/PATID1234' },
      },
    ])
  })

  it('maps the Epic-style ADT^A04: PV1-19 is the Encounter id, PV1-44 its start, kept to the date without a zone', async () => {
    const mapped = await map(fixture('medplum-adt-a04'))
    expect(mapped).toMatchObject({ event: 'A04', controlId: '1817457', patientId: '454721' })
    expect(mapped.resources).toEqual([
      {
        resourceType: 'Patient',
        id: '454721',
        identifier: [{ value: '454721' }],
        name: [{ family: 'DOE', given: ['JOHN'] }],
        birthDate: '1948-02-03',
        gender: 'male',
      },
      {
        resourceType: 'Encounter',
        id: '2688684',
        identifier: [{ value: '2688684' }],
        status: 'in-progress',
        class: { system: ACT, code: 'AMB', display: 'ambulatory' },
        subject: { reference: 'Patient/454721' },
        period: { start: '1999-12-27' },
      },
    ])
  })

  it("places times in the sender's zone when told it (HL7: a time without a zone is the sender's local time)", async () => {
    const mapped = await map(fixture('medplum-adt-a04'), { timeZone: '-0500' })
    expect(mapped.resources[1]).toMatchObject({ period: { start: '1999-12-27T14:08:00-05:00' } })
  })

  it('maps the ORU^R01 lab result: OID assigning authority, LOINC code, NM value with its unit, status, range, flag', async () => {
    const mapped = await map(fixture('medplum-oru-r01'), { timeZone: '-0600' })
    expect(mapped).toMatchObject({ event: 'R01', controlId: '123456', patientId: '123456789' })
    expect(mapped.resources).toEqual([
      {
        resourceType: 'Patient',
        id: '123456789',
        identifier: [
          {
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
            system: 'urn:oid:1.2.3.4.5.6.7.8.9',
            value: '123456789',
          },
        ],
        name: [{ family: 'Doe', given: ['John', 'Q'], prefix: ['Mr.'] }],
        birthDate: '1987-05-07',
        gender: 'male',
      },
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '1554-5', display: 'LDL Cholesterol' }] },
        subject: { reference: 'Patient/123456789' },
        effectiveDateTime: '2024-04-22T14:30:00-06:00',
        // OBX-6 names no coding system: the unit is kept as written, not declared UCUM.
        valueQuantity: { value: 130, unit: 'mg/dL' },
        interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0078', code: 'N' }] }],
        referenceRange: [{ text: '<100=Optimal' }],
      },
    ])
  })

  it('takes OBR-7 when OBX-14 is empty (synthetic variant of the ORU)', async () => {
    const oru = fixture('medplum-oru-r01')
    const noTime = withSegment(oru, 'OBX', 'OBX|1|NM|1554-5^LDL Cholesterol^LN||130|mg/dL|<100=Optimal|N|||F')
    const mapped = await map(noTime, { timeZone: '-0600' })
    expect(mapped.resources[1]).toMatchObject({ effectiveDateTime: '2024-04-22T09:00:00-06:00' })
  })
})

describe('hl7ToFhir events and fields (synthetic messages)', () => {
  it('A03 finishes the encounter with PV1-45 as its end; A08 stays in progress unless it carries a discharge time', async () => {
    const pv1 = (end: string) => `PV1|1|E|||||||||||||||||V-9|||||||||||||||||||||||||20240101080000|${end}`
    const a03 = await map(synthetic(MSH('ADT^A03^ADT_A03'), PID, pv1('20240102093000')))
    expect(a03.resources[1]).toMatchObject({
      id: 'V-9',
      status: 'finished',
      class: { system: ACT, code: 'EMER' },
      period: { start: '2024-01-01T08:00:00+01:00', end: '2024-01-02T09:30:00+01:00' },
    })
    expect((await map(synthetic(MSH('ADT^A08^ADT_A01'), PID, pv1('')))).resources[1]).toMatchObject({ status: 'in-progress' })
    expect((await map(synthetic(MSH('ADT^A08^ADT_A01'), PID, pv1('20240102093000')))).resources[1]).toMatchObject({ status: 'finished' })
  })

  it('maps table 0001 sex codes as the IG does, and leaves an unknown code out', async () => {
    const gender = async (code: string) => (await map(synthetic(MSH('ADT^A04'), `PID|1||P-1||Roe^R||1970|${code}`, PV1))).resources[0]!.gender
    expect(await Promise.all(['F', 'M', 'O', 'U', 'A', 'N', 'X', ''].map(gender))).toEqual([
      'female',
      'male',
      'other',
      'unknown',
      'other',
      'other',
      undefined,
      undefined,
    ])
  })

  it('reads death from PID-29 (a date-time) or else PID-30 (Y/N)', async () => {
    const deceased = async (f29: string, f30: string) => {
      const pid = `PID|1||P-1||Roe^R||19300101|F|||||||||||||||||||||${f29}|${f30}`
      const [patient] = (await map(synthetic(MSH('ADT^A08'), pid, PV1))).resources
      return [patient!.deceasedDateTime, patient!.deceasedBoolean]
    }
    expect(await deceased('202401021530+0100', 'Y')).toEqual(['2024-01-02T15:30:00+01:00', undefined])
    expect(await deceased('', 'Y')).toEqual([undefined, true])
    expect(await deceased('', 'N')).toEqual([undefined, false])
    expect(await deceased('', '')).toEqual([undefined, undefined])
  })

  it('keeps a birth time as the patient-birthTime extension, and birthDate to the date', async () => {
    const [patient] = (await map(synthetic(MSH('ADT^A01'), 'PID|1||P-1||Roe^R||199001021545-0300|F', PV1))).resources
    expect(patient).toMatchObject({
      birthDate: '1990-01-02',
      _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1990-01-02T15:45:00-03:00' }] },
    })
  })

  it('maps OBX value types: ST/TX text (escapes resolved), CWE concept, UCUM units, an unmapped type as dataAbsentReason', async () => {
    const oru = synthetic(
      MSH('ORU^R01^ORU_R01'),
      PID,
      'OBR|1|||24331-1^Lipid panel^LN|||20240101100000+0100',
      'OBX|1|ST|8251-1^Service comment^LN||A \\T\\ B \\F\\ C||||||F',
      'OBX|2|TX|11529-5^Surgical path^LN||line one~line two||||||P',
      'OBX|3|CWE|882-1^ABO+Rh group^LN||112144000^Blood group A^SCT||||||C',
      'OBX|4|NM|2345-7^Glucose^LN||-5.5|mmol/L^millimole per liter^UCUM|||||F|||20240101103000+0100',
      'OBX|5|SN|2160-0^Creatinine^LN||>^100|mg/dL|||||X',
    )
    const [, ...obs] = (await map(oru)).resources
    expect(obs.map((o) => o.status)).toEqual(['final', 'preliminary', 'corrected', 'final', 'cancelled'])
    expect(obs[0]).toMatchObject({ valueString: 'A & B | C', effectiveDateTime: '2024-01-01T10:00:00+01:00' })
    expect(obs[1]).toMatchObject({ valueString: 'line one\nline two' })
    expect(obs[2]).toMatchObject({ valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '112144000', display: 'Blood group A' }] } })
    expect(obs[3]).toMatchObject({
      valueQuantity: { value: -5.5, unit: 'millimole per liter', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      effectiveDateTime: '2024-01-01T10:30:00+01:00',
    })
    expect(obs[4]).toMatchObject({ dataAbsentReason: { coding: [{ code: 'unsupported' }] } })
    expect(obs[4]).not.toHaveProperty('valueQuantity')
  })

  it('gives the patient a FHIR id made from PID-3, with a hash when the value needed changing', async () => {
    const id = async (cx: string) => (await map(synthetic(MSH('ADT^A04'), `PID|1||${cx}||Roe^R`, PV1))).patientId
    expect(await id('ABC-123.4')).toBe('ABC-123.4')
    const slash = await id('12/34')
    const space = await id('12 34')
    expect(slash).toMatch(/^12-34\.[0-9a-f]{8}$/)
    expect(space).toMatch(/^12-34\.[0-9a-f]{8}$/)
    expect(slash).not.toBe(space)
    expect((await id('x'.repeat(100))).length).toBeLessThanOrEqual(64)
    // The first repetition with a value is the patient; every repetition is an identifier.
    const mapped = await map(synthetic(MSH('ADT^A04'), 'PID|1||~P-7^^^HOSP~999^^^SSA^SS||Roe^R', PV1))
    expect(mapped.patientId).toBe('P-7')
    expect(mapped.resources[0]!.identifier).toEqual([
      { system: 'HOSP', value: 'P-7' },
      { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] }, system: 'SSA', value: '999' },
    ])
  })

  it('turns an assigning-authority namespace into a URI through assigningAuthorities', async () => {
    const mapped = await map(synthetic(MSH('ADT^A04'), PID, PV1), { assigningAuthorities: { HOSP: 'https://hosp.example/mrn' } })
    expect(mapped.resources[0]!.identifier).toEqual([expect.objectContaining({ system: 'https://hosp.example/mrn', value: 'P-1' })])
  })
})

describe('hl7ToFhir refuses what it cannot take, with a code and the field', () => {
  it.each([
    ['no MSH first', synthetic('PID|1||P-1'), 'hl7.malformed', 'MSH'],
    ['bad delimiters', synthetic('MSHA^~\\&|x'), 'hl7.malformed', 'MSH-2'],
    ['a bad segment id', synthetic(MSH('ADT^A01'), 'pid|1||P-1', PV1), 'hl7.malformed', 'segment'],
    ['no control id', synthetic(MSH('ADT^A01', ''), PID, PV1), 'hl7.required_missing', 'MSH-10'],
    ['version 2.2', synthetic(MSH('ADT^A01', 'X1', '2.2'), PID, PV1), 'hl7.unsupported_version', 'MSH-12'],
    ['version 3.0', synthetic(MSH('ADT^A01', 'X1', '3.0'), PID, PV1), 'hl7.unsupported_version', 'MSH-12'],
    ['an order message', synthetic(MSH('ORM^O01'), PID), 'hl7.unsupported_type', 'MSH-9'],
    ['ADT^A99', synthetic(MSH('ADT^A99'), PID, PV1), 'hl7.unsupported_event', 'MSH-9'],
    ['ADT^A02 (transfer)', synthetic(MSH('ADT^A02'), PID, PV1), 'hl7.unsupported_event', 'MSH-9'],
    ['no PID', synthetic(MSH('ADT^A01'), PV1), 'hl7.no_patient', 'PID'],
    ['an empty PID-3', synthetic(MSH('ADT^A01'), 'PID|1||^^^HOSP^MR||Roe^R', PV1), 'hl7.no_patient', 'PID-3'],
    ['two patients', synthetic(MSH('ORU^R01'), PID, 'PID|2||P-2'), 'hl7.unsupported', 'PID'],
    ['an ADT without PV1', synthetic(MSH('ADT^A01'), PID), 'hl7.required_missing', 'PV1'],
    ['an ADT without a patient class', synthetic(MSH('ADT^A01'), PID, 'PV1|1||W1'), 'hl7.required_missing', 'PV1-2'],
    ['a birth date that is no date', synthetic(MSH('ADT^A01'), 'PID|1||P-1||Roe^R||19701301', PV1), 'hl7.invalid_value', 'PID-7'],
    ['an NM value that is no number', synthetic(MSH('ORU^R01'), PID, 'OBX|1|NM|1^x^LN||12,5|||||F'), 'hl7.invalid_value', 'OBX-5'],
    ['an OBX without a code', synthetic(MSH('ORU^R01'), PID, 'OBX|1|NM|||5|||||F'), 'hl7.required_missing', 'OBX-3'],
    ['a lone surrogate', synthetic(MSH('ADT^A01'), 'PID|1||P-1||Roe\ud800^R', PV1), 'hl7.invalid_value', 'MSH'],
  ])('%s', async (_, text, code, path) => {
    expect(await refusal(text)).toEqual({ code, path })
  })

  it('never quotes a value of the message in the error', async () => {
    try {
      await map(synthetic(MSH('ADT^A01'), 'PID|1||P-1||Secretname^R||19701301', PV1))
      expect.unreachable()
    } catch (error) {
      expect(JSON.stringify({ ...(error as NexoraError), message: (error as Error).message })).not.toMatch(/Secretname|19701301/)
    }
  })
})

describe('HL7 timestamps → FHIR, at the precision given', () => {
  it.each([
    ['2024', undefined, '2024'],
    ['202402', undefined, '2024-02'],
    ['20240229', undefined, '2024-02-29'],
    ['2024022913', '+0100', '2024-02-29'],
    ['202402291304', '+0100', '2024-02-29T13:04:00+01:00'],
    ['20240229130405', undefined, '2024-02-29'],
    ['20240229130405.12+0530', undefined, '2024-02-29T13:04:05.12+05:30'],
    ['20240229130405-0000', '+0100', '2024-02-29T13:04:05-00:00'],
  ])('%s (default zone %s) → %s', (hl7, zone, fhir) => {
    expect(toFhirDateTime(hl7, 'X-1', zone)).toBe(fhir)
  })

  it.each(['20230229', '2024021', '20241301', '202401012460', 'abc', '20240101+2500'])('refuses %s', (hl7) => {
    expect(() => toFhirDateTime(hl7, 'X-1')).toThrow(expect.objectContaining({ code: 'hl7.invalid_value' }))
  })

  it('gives a date (no time) for FHIR date elements', () => {
    expect(toFhirDate('19610615083000', 'PID-7')).toBe('1961-06-15')
  })
})
