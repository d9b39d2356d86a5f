import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ICD10CM_RELEASE, icd10Key, icd10Syntax, icd10Vocabulary, multiHot, normalizeIcd10, parseIcd10, rollup } from '../../plugins/etl/icd10/index.ts'
import { assignSections, rangeEnds } from '../../plugins/etl/icd10/sections.ts'
import { RELEASE, readTables } from '../../plugins/etl/icd10/tables/build.ts'
import { generateModule, parseCsv } from '../../plugins/etl/icd10/tables/generate.ts'

const tables = readTables()
const cdcCategories = parseCsv(tables.categories).rows

describe('normalizeIcd10 / parseIcd10', () => {
  it('accepts the code with or without the dot, in any case, with surrounding whitespace', () => {
    const expected = { code: 'E119', dotted: 'E11.9', category: 'E11' }
    for (const input of ['E11.9', 'E119', 'e11.9', 'e119', '  E11.9\t', '\nE119 ']) expect(normalizeIcd10(input), input).toEqual(expected)
  })

  it('keeps a bare category undotted', () => {
    expect(normalizeIcd10('i10')).toEqual({ code: 'I10', dotted: 'I10', category: 'I10' })
  })

  it('accepts 7th-character extensions and the X placeholder, up to 7 characters', () => {
    expect(normalizeIcd10('S72.001A')).toEqual({ code: 'S72001A', dotted: 'S72.001A', category: 'S72' })
    expect(normalizeIcd10('t360x1a')).toEqual({ code: 'T360X1A', dotted: 'T36.0X1A', category: 'T36' })
    expect(normalizeIcd10('M1A.0110')?.dotted).toBe('M1A.0110')
    expect(parseIcd10('S72.001AB')).toEqual({ valid: false, input: 'S72.001AB', reason: 'syntax' })
  })

  it('accepts letters in the category where the CDC uses them (C4A, O9A, QA0)', () => {
    expect(normalizeIcd10('C4A.9')?.category).toBe('C4A')
    expect(normalizeIcd10('O9A.111')?.category).toBe('O9A')
    expect(normalizeIcd10('QA0')?.category).toBe('QA0')
  })

  it('rejects malformed codes as syntax errors', () => {
    for (const input of ['E1.19', 'E11.', 'E11..9', '11.9', 'E 11.9', 'E11-9', 'E11.9.1', '.E119', 'E1', 'É11.9', 'E11.9;', 'JUNK', 'QB0']) {
      expect(parseIcd10(input), input).toEqual({ valid: false, input, reason: 'syntax' })
      expect(normalizeIcd10(input), input).toBeUndefined()
    }
  })

  it('rejects empty input, including non-strings reaching it at run time', () => {
    expect(parseIcd10('   ')).toMatchObject({ valid: false, reason: 'empty' })
    expect(parseIcd10(undefined as unknown as string)).toMatchObject({ valid: false, reason: 'empty' })
    expect(normalizeIcd10(42 as unknown as string)).toBeUndefined()
  })

  it('rejects well-formed codes whose category is not in the CDC table', () => {
    for (const input of ['E14.9', 'F00.1', 'U99', 'C98.1']) expect(parseIcd10(input), input).toEqual({ valid: false, input, reason: 'unknown-category' })
  })

  it('icd10Syntax checks shape only, so WHO ICD-10 codes pass', () => {
    expect(icd10Syntax('e14.9')).toEqual({ code: 'E149', dotted: 'E14.9', category: 'E14' })
    expect(icd10Syntax('E1.49')).toBeUndefined()
  })
})

describe('rollup', () => {
  it('rolls up the README examples', () => {
    expect(rollup('E11.9')).toEqual({
      category: 'E11',
      categoryDescription: 'Type 2 diabetes mellitus',
      section: 'E08-E13',
      sectionDescription: 'Diabetes mellitus (E08-E13)',
      chapter: 4,
      chapterDescription: 'Endocrine, nutritional and metabolic diseases (E00-E89)',
    })
    expect(rollup('I10')).toMatchObject({ category: 'I10', section: 'I10-I1A', chapter: 9, chapterDescription: 'Diseases of the circulatory system (I00-I99)' })
  })

  it('places letter categories and sections with letter ends where the CDC does', () => {
    const cases: [string, string, string, number][] = [
      ['I1A.0', 'I1A', 'I10-I1A', 9], // range end with a letter
      ['I16.0', 'I16', 'I10-I1A', 9], // digit category before a letter end
      ['C7A.00', 'C7A', 'C7A', 2], // its own section, though C76-C80 covers it in code order
      ['C7B.1', 'C7B', 'C7B', 2],
      ['D3A.00', 'D3A', 'D3A', 2], // its own section, though D37-D48 covers it in code order
      ['C4A.9', 'C4A', 'C43-C44', 2], // inside C43-C44 by tabular position only
      ['M1A.00X0', 'M1A', 'M05-M14', 13], // likewise
      ['Z3A.20', 'Z3A', 'Z30-Z39', 21], // likewise
      ['J45.909', 'J45', 'J40-J4A', 10], // inside J40-J4A by code order only
      ['J4A.0', 'J4A', 'J40-J4A', 10],
      ['O9A.111', 'O9A', 'O94-O9A', 15],
      ['I5A', 'I5A', 'I30-I5A', 9],
      ['QA0', 'QA0', 'QA0', 17],
      ['U07.1', 'U07', 'U00-U49', 22], // range ends U00 and U49 are not categories
      ['C00.0', 'C00', 'C00-C14', 2], // the narrowest section, not the C00-C96 or C00-C75 headings
      ['T07', 'T07', 'T07', 19], // not the T07-T88 heading
    ]
    for (const [code, category, section, chapter] of cases) expect(rollup(code), code).toMatchObject({ category, section, chapter })
  })

  it('agrees with the CDC section and chapter columns for every one of the 1,918 categories', () => {
    expect(cdcCategories).toHaveLength(1918)
    for (const [code, description, section, chapter] of cdcCategories) {
      expect(rollup(code!), code).toMatchObject({ category: code, categoryDescription: description, section, chapter: Number(chapter) })
    }
  })

  it('returns undefined for invalid codes', () => {
    expect(rollup('E14.9')).toBeUndefined()
    expect(rollup('nonsense')).toBeUndefined()
  })
})

describe('section ranges', () => {
  it('splits ranges, a single category being its own range', () => {
    expect(rangeEnds('I10-I1A')).toEqual(['I10', 'I1A'])
    expect(rangeEnds('C7A')).toEqual(['C7A', 'C7A'])
  })

  it('matches by tabular position or by code order, and prefers the narrowest range', () => {
    expect(assignSections(['C43', 'C4A', 'C44', 'C45'], ['C43-C44', 'C45-C49'])).toEqual([0, 0, 0, 1])
    expect(assignSections(['J40', 'J44', 'J4A', 'J45'], ['J40-J4A'])).toEqual([0, 0, 0, 0])
    expect(assignSections(['C75', 'C7A', 'C76', 'C80'], ['C00-C96', 'C76-C80', 'C7A'])).toEqual([0, 2, 1, 1])
    expect(assignSections(['A00', 'B00'], ['A00'])).toEqual([0, -1])
  })
})

describe('generated CDC tables', () => {
  it('are up to date with the CSVs (rerun tables/build.ts if this fails)', () => {
    const committed = readFileSync(new URL('../../plugins/etl/icd10/tables/icd10cm-2026.ts', import.meta.url), 'utf8')
    expect(generateModule(tables, RELEASE)).toBe(committed)
    expect(ICD10CM_RELEASE).toBe('ICD-10-CM April 1, 2026')
  })

  it('refuse to build when range lookup disagrees with a CDC section column', () => {
    const moved = tables.categories.replace('I10,Essential (primary) hypertension,I10-I1A,9', 'I10,Essential (primary) hypertension,I20-I25,9')
    expect(moved).not.toBe(tables.categories)
    expect(() => generateModule({ ...tables, categories: moved }, RELEASE)).toThrow(/I10 in I10-I1A .*CDC says I20-I25/)
  })

  it('parse quoted CSV fields', () => {
    expect(parseCsv('a,b\r\n1,"x, ""y"""\r\n')).toEqual({ header: ['a', 'b'], rows: [['1', 'x, "y"']] })
  })
})

describe('multiHot and icd10Vocabulary', () => {
  const training = ['E11.9', 'e11.65', 'I10', 'J44.9', 'C34.90', 'I10', 'not-a-code', 'E14.9']

  it('builds sorted, de-duplicated, frozen vocabularies at each level, leaving invalid codes out', () => {
    expect(icd10Vocabulary(training, 'code')).toEqual(['C34.90', 'E11.65', 'E11.9', 'I10', 'J44.9'])
    expect(icd10Vocabulary(training, 'category')).toEqual(['C34', 'E11', 'I10', 'J44'])
    expect(icd10Vocabulary(training)).toEqual(['C34', 'E11', 'I10', 'J44'])
    expect(icd10Vocabulary(training, 'section')).toEqual(['C30-C39', 'E08-E13', 'I10-I1A', 'J40-J4A'])
    // chapters sort by number: 2, 4, 9, 10 (not '10' before '2')
    expect(icd10Vocabulary(training, 'chapter')).toEqual(['2', '4', '9', '10'])
    expect(Object.isFrozen(icd10Vocabulary(training))).toBe(true)
  })

  it('encodes 0/1 in vocabulary order and counts what it ignored', () => {
    const vocabulary = icd10Vocabulary(training, 'category')
    expect(multiHot(['I10.', 'I10', 'E11.22', 'K21.9', 'xyz'], vocabulary, { level: 'category' })).toEqual({ vector: [0, 1, 1, 0], unknown: 3, invalid: 2 })
    expect(multiHot([], vocabulary)).toEqual({ vector: [0, 0, 0, 0], unknown: 0, invalid: 0 })
  })

  it('encodes at the level it is given', () => {
    const sections = icd10Vocabulary(training, 'section')
    expect(multiHot(['E10.9', 'I1A.0'], sections, { level: 'section' }).vector).toEqual([0, 1, 1, 0])
    const codes = icd10Vocabulary(training, 'code')
    expect(multiHot(['E11.9', 'E11.8'], codes, { level: 'code' })).toEqual({ vector: [0, 0, 1, 0, 0], unknown: 1, invalid: 0 })
    expect(multiHot(['J18.9'], icd10Vocabulary(training, 'chapter'), { level: 'chapter' }).vector).toEqual([0, 0, 0, 1])
  })

  it('takes a plain array as vocabulary and refuses one with duplicates', () => {
    expect(multiHot(['I10'], ['I10', 'E11']).vector).toEqual([1, 0])
    expect(() => multiHot(['I10'], ['I10', 'I10'])).toThrow(RangeError)
  })

  it('gives keys per level', () => {
    expect(['code', 'category', 'section', 'chapter'].map((l) => icd10Key('e1165', l as 'code'))).toEqual(['E11.65', 'E11', 'E08-E13', '4'])
    expect(icd10Key('E14.9', 'category')).toBeUndefined()
  })
})
