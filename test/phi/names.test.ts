import { describe, expect, it } from 'vitest'
import { detectPhi } from '../../plugins/phi/index.ts'

const names = (text: string) =>
  detectPhi(text)
    .filter((s) => s.type === 'NAME')
    .map((s) => text.slice(s.start, s.end))

describe('names', () => {
  it('dictionary names, full names merged into one span', () => {
    expect(names('Spoke with John Smith about results.')).toEqual(['John Smith'])
  })
  it('unseen capitalised names after titles and cue words', () => {
    expect(names('Seen by Dr. Okonkwo-Adeyemi today.')).toEqual(['Okonkwo-Adeyemi'])
    expect(names('Referred by Zorblat Quennox, MD.')).toEqual(['Zorblat Quennox'])
    expect(names("Mrs. Vantwerp's daughter visited.")).toEqual(['Vantwerp'])
  })
  it('lowercase names after strong cues', () => {
    expect(names('pt john smith presents with cough')).toEqual(['john smith'])
    expect(names('her daughter zenaida called')).toEqual(['zenaida'])
    expect(names('pt presents with cough and pt is stable')).toEqual([])
  })
  it('eponyms in the disease sense are not names; with a title they are', () => {
    const text =
      "Hx Parkinson's disease, Hodgkin lymphoma, Alzheimer dementia, Crohn's disease, Graves' disease, Addison disease, Cushing syndrome, Down syndrome, " +
      "Bell's palsy, Wilson disease. Foley catheter placed."
    expect(names(text)).toEqual([])
    expect(names('Mr. Parkinson was admitted.')).toEqual(['Parkinson'])
  })
  it('names that are common words need context', () => {
    expect(names('Patient will follow up. May need imaging. Hope to taper. Will Bill insurance.')).toEqual([])
    expect(names('Name: Will Brown. Dr. Hope attended.')).toEqual(['Will Brown', 'Hope'])
  })
  it('state names are not names without a cue', () => {
    expect(names('Lives in Tampa, Florida 33601.')).toEqual([])
  })
})

describe('names in a realistic note', () => {
  it('finds titled, cued and dictionary names and skips two-word eponyms', () => {
    const t =
      'Mr. Gutierrez presents. His wife, Carmen, called 911. Per Dr. Patel, troponin rose. Jackson Pratt drain in place. Epstein-Barr virus negative. ' +
      "Follow up with Dr. Sarah O'Neil."
    expect(names(t)).toEqual(['Gutierrez', 'Carmen', 'Patel', "Sarah O'Neil"])
  })
})

describe('weak cues', () => {
  it('after provider/contact only capitalised or dictionary names count; all-caps dictionary words do not', () => {
    expect(names('the provider fields are optional; contact against policy')).toEqual([])
    expect(names('provider Zorblat Quennox signed')).toEqual(['Zorblat Quennox'])
    expect(names('ROUTE VAN TRANSPORT arranged')).toEqual([])
  })
})

describe('lowercase common-word names', () => {
  it('count after a strong cue only when a surname-like word follows', () => {
    expect(names('pt hope kron presents')).toEqual(['hope kron'])
    expect(names('patient will follow up, pt rose to the occasion')).toEqual([])
  })
})
