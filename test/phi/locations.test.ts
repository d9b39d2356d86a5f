import { describe, expect, it } from 'vitest'
import { detectPhi } from '../../plugins/phi/index.ts'

const found = (text: string) => detectPhi(text).map((s) => [s.type, text.slice(s.start, s.end)])

describe('locations', () => {
  it('street address with unit, city, ZIP after state', () => {
    expect(found('Lives at 42 Oak Street, Apt 4B, Springfield, IL 62704-1234.')).toEqual([
      ['ADDRESS', '42 Oak Street, Apt 4B'],
      ['CITY', 'Springfield'],
      ['ZIP', '62704-1234'],
    ])
  })
  it('PO box and ZIP with a zip cue', () => {
    expect(found('Mail to PO Box 1234, zip code 02139')).toEqual([
      ['ADDRESS', 'PO Box 1234'],
      ['ZIP', '02139'],
    ])
  })
  it('dictionary city after "lives in"; the state itself is not PHI', () => {
    expect(found('She lives in Santa Clarita with her sister.')).toEqual([['CITY', 'Santa Clarita']])
  })
  it('hospitals and clinics as LOCATION, generic departments not', () => {
    expect(found("Transferred from St. Mary's Hospital to Boston Medical Center.")).toEqual([
      ['LOCATION', "St. Mary's Hospital"],
      ['LOCATION', 'Boston Medical Center'],
    ])
    expect(found('Follow up in Cardiology Clinic.')).toEqual([])
  })
  it('room numbers, doses and labs are not addresses or zips', () => {
    expect(found('Room 412, metformin 500 mg, glucose 12345 mg/dL total, 3 Heart beats')).toEqual([])
  })
})

describe('facility names with connectors', () => {
  it("Brigham and Women's Hospital is one LOCATION", () => {
    expect(found("Seen at Brigham and Women's Hospital today")).toEqual([['LOCATION', "Brigham and Women's Hospital"]])
  })
})

describe('street suffixes outside the faker list', () => {
  it('Boulevard and Broadway addresses', () => {
    expect(found('Lives at 8021 Washington Boulevard and 12 Broadway, Apt 3')).toEqual([
      ['ADDRESS', '8021 Washington Boulevard'],
      ['ADDRESS', '12 Broadway, Apt 3'],
    ])
  })
})
