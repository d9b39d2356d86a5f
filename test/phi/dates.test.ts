import { describe, expect, it } from 'vitest'
import { detectPhi } from '../../plugins/phi/index.ts'

const dates = (text: string) =>
  detectPhi(text)
    .filter((s) => s.type === 'DATE')
    .map((s) => text.slice(s.start, s.end))
const ages = (text: string) =>
  detectPhi(text)
    .filter((s) => s.type === 'AGE')
    .map((s) => text.slice(s.start, s.end))

describe('dates and ages', () => {
  it('numeric, ISO, written and partial forms', () => {
    for (const d of [
      '03/14/2021',
      '3/14/21',
      '2021-03-14',
      '2021-03-14T10:30:00Z',
      'March 14, 2021',
      '14 Mar 2021',
      'Mar. 14, 2021',
      'March 2021',
      '14th of March',
    ]) {
      expect(dates(`seen ${d} for review`)).toEqual([d])
    }
  })
  it('relative phrase: the anchor date is flagged', () => {
    expect(dates('two days after admission on 3/14 she improved')).toEqual(['3/14'])
  })
  it('a bare year, BP, fractions, scores and times are not dates', () => {
    expect(dates('Diagnosed in 2019. BP 120/80, pain 7/10, take 1/2 tablet at 10:30, Apgar 8/9.')).toEqual([])
  })
  it('a full month ending a sentence keeps the dot out of the span', () => {
    expect(dates('Seen on 19th of April.')).toEqual(['19th of April'])
  })
  it('ages over 89 are AGE; 89 and under are not PHI', () => {
    expect(ages('a 92-year-old man, age 94, 93 yo, 101 y/o')).toEqual(['92', '94', '93', '101'])
    expect(ages('a 89-year-old, age 45, 30 yo')).toEqual([])
  })
})

describe('month/year and facility connectors', () => {
  it('12/2021 is a date (month element); 7/10 is not', () => {
    expect(dates('LDL 142 on 12/2021, pain 7/10')).toEqual(['12/2021'])
  })
})
