import { describe, expect, it } from 'vitest'
import { detectPhi, type PhiSpan } from '../../plugins/phi/index.ts'

const found = (text: string) => detectPhi(text).map((s: PhiSpan) => [s.type, text.slice(s.start, s.end)])

describe('pattern detectors', () => {
  it('SSN with separators; bare 9 digits only with context; invalid areas rejected', () => {
    expect(found('SSN 123-45-6789.')).toContainEqual(['SSN', '123-45-6789'])
    expect(found('SSN: 123456789')).toContainEqual(['SSN', '123456789'])
    expect(found('Order 123456789 shipped').filter(([t]) => t === 'SSN')).toEqual([])
    expect(found('code 666-12-3456').filter(([t]) => t === 'SSN')).toEqual([])
  })
  it('phones in several formats incl. +1 and extensions; fax by context', () => {
    for (const p of ['(617) 555-0142', '617-555-0142', '617.555.0142', '+1 617 555 0142', '+1-617-555-0142', '617-555-0142 ext. 23', '(617) 555-0142 x1234']) {
      expect(found(`call ${p} today`)).toContainEqual(['PHONE', p])
    }
    expect(found('Fax: 617-555-0199')).toContainEqual(['FAX', '617-555-0199'])
  })
  it('email, URL (trailing punctuation dropped), IPv4 and IPv6', () => {
    expect(found('mail jo.doe@example.org.')).toContainEqual(['EMAIL', 'jo.doe@example.org'])
    expect(found('see https://portal.example.com/p/12.')).toContainEqual(['URL', 'https://portal.example.com/p/12'])
    expect(found('from 10.0.0.12 and 2001:db8::1')).toEqual([
      ['IP', '10.0.0.12'],
      ['IP', '2001:db8::1'],
    ])
    expect(found('version 300.1.2.3')).toEqual([])
  })
  it('context ids: MRN, member id, account, DEA, licence, VIN, plate, serial', () => {
    const t =
      "MRN: A884213. Member ID: XJH123456789. Acct #: 5551234. DEA number: AB1234563. Driver's license D1234567. VIN 1M8GDM9AXKP042788, license plate " +
      '7ABC123. Serial number: SN-4455-22.'
    expect(found(t)).toEqual([
      ['MRN', 'A884213'],
      ['HEALTH_PLAN_ID', 'XJH123456789'],
      ['ACCOUNT', '5551234'],
      ['LICENSE', 'AB1234563'],
      ['LICENSE', 'D1234567'],
      ['VEHICLE_ID', '1M8GDM9AXKP042788'],
      ['VEHICLE_ID', '7ABC123'],
      ['DEVICE_ID', 'SN-4455-22'],
    ])
  })
  it('Luhn-valid card numbers are ACCOUNT; invalid ones are not', () => {
    expect(found('card 4539 1488 0343 6467')).toContainEqual(['ACCOUNT', '4539 1488 0343 6467'])
    expect(found('card 4539 1488 0343 6468')).toEqual([])
  })
  it('a VIN with a valid check digit is found without context', () => {
    expect(found('car 1M8GDM9AXKP042788 parked')).toEqual([['VEHICLE_ID', '1M8GDM9AXKP042788']])
  })
})

describe('numbers that are not identifiers', () => {
  it('doses, labs, vitals, rooms, times, counts, scores and bare years yield nothing', () => {
    const text =
      'Metformin 500 mg BID, insulin 12 units. Na 138, K 4.2, Cr 1.1, glucose 187 mg/dL, WBC 11.2, INR 2.3. ' +
      'BP 120/80, HR 92, RR 18, SpO2 96%, T 37.8 C. Room 412, bed B. At 10:30 and 14:45:00. 3 of 4 doses, 2 tabs, pain 7/10. ' +
      'Diagnosed in 2019, 30 pack-years, EF 55%, Gleason 3+4=7, Apgar 8/9, CD4 350 cells/uL, 1500 mL in, 1,200 mL out.'
    expect(detectPhi(text)).toEqual([])
  })
})
