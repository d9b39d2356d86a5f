import { describe, expect, it } from 'vitest'
import {
  CHARLSON_CONDITIONS,
  CHARLSON_ICD10_QUAN2005,
  CHARLSON_WEIGHTS,
  ELIXHAUSER_CONDITIONS,
  ELIXHAUSER_ICD10_QUAN2005,
  VAN_WALRAVEN_WEIGHTS,
  charlson,
  elixhauser,
  type CharlsonCondition,
  type ElixhauserCondition,
} from '../../plugins/etl/icd10/index.ts'
import { readTables } from '../../plugins/etl/icd10/tables/build.ts'
import { parseCsv } from '../../plugins/etl/icd10/tables/generate.ts'

const tables = readTables()
const cdcCategories = parseCsv(tables.categories).rows

// The Quan (2005) ICD-10 lists, typed again independently of the source file in the compact
// form of the authors' SAS macro (undotted, in the macro's order), so that a slip in either copy
// fails here. Sources: icd package data-raw/ICD10_Charlson.sas and ICD10_Elixhauser.sas.
const SAS_CHARLSON = `
ami I21 I22 I252
chf I43 I50 I099 I110 I130 I132 I255 I420 I425 I426 I427 I428 I429 P290
pvd I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959
cevd G45 G46 I60 I61 I62 I63 I64 I65 I66 I67 I68 I69 H340
dementia F00 F01 F02 F03 G30 F051 G311
copd J40 J41 J42 J43 J44 J45 J46 J47 J60 J61 J62 J63 J64 J65 J66 J67 I278 I279 J684 J701 J703
rheumd M05 M32 M33 M34 M06 M315 M351 M353 M360
pud K25 K26 K27 K28
mld B18 K73 K74 K700 K701 K702 K703 K709 K717 K713 K714 K715 K760 K762 K763 K764 K768 K769 Z944
diab E100 E101 E106 E108 E109 E110 E111 E116 E118 E119 E120 E121 E126 E128 E129 E130 E131 E136 E138 E139 E140 E141 E146 E148 E149
diabwc E102 E103 E104 E105 E107 E112 E113 E114 E115 E117 E122 E123 E124 E125 E127 E132 E133 E134 E135 E137 E142 E143 E144 E145 E147
hp G81 G82 G041 G114 G801 G802 G830 G831 G832 G833 G834 G839
rend N18 N19 N052 N053 N054 N055 N056 N057 N250 I120 I131 N032 N033 N034 N035 N036 N037 Z490 Z491 Z492 Z940 Z992
canc C00 C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C20 C21 C22 C23 C24 C25 C26 C30 C31 C32 C33 C34 C37 C38 C39 C40
  C41 C43 C45 C46 C47 C48 C49 C50 C51 C52 C53 C54 C55 C56 C57 C58 C60 C61 C62 C63 C64 C65 C66 C67 C68 C69 C70 C71 C72 C73 C74 C75 C76 C81 C82 C83 C84
  C85 C88 C90 C91 C92 C93 C94 C95 C96 C97
msld K704 K711 K721 K729 K765 K766 K767 I850 I859 I864 I982
metacanc C77 C78 C79 C80
aids B20 B21 B22 B24`

const SAS_ELIXHAUSER = `
chf I099 I110 I130 I132 I255 I420 I425 I426 I427 I428 I429 I43 I50 P290
carit I441 I442 I443 I456 I459 I47 I48 I49 R000 R001 R008 T821 Z450 Z950
valv A520 I05 I06 I07 I08 I091 I098 I34 I35 I36 I37 I38 I39 Q230 Q231 Q232 Q233 Z952 Z953 Z954
pcd I26 I27 I280 I288 I289
pvd I70 I71 I731 I738 I739 I771 I790 I792 K551 K558 K559 Z958 Z959
hypunc I10
hypc I11 I12 I13 I15
para G041 G114 G801 G802 G81 G82 G830 G831 G832 G833 G834 G839
ond G10 G11 G12 G13 G20 G21 G22 G254 G255 G312 G318 G319 G32 G35 G36 G37 G40 G41 G931 G934 R470 R56
cpd I278 I279 J40 J41 J42 J43 J44 J45 J46 J47 J60 J61 J62 J63 J64 J65 J66 J67 J684 J701 J703
diabunc E100 E101 E109 E110 E111 E119 E120 E121 E129 E130 E131 E139 E140 E141 E149
diabc E102 E103 E104 E105 E106 E107 E108 E112 E113 E114 E115 E116 E117 E118 E122 E123 E124 E125 E126 E127 E128 E132 E133 E134 E135 E136 E137 E138 E142
  E143 E144 E145 E146 E147 E148
hypothy E00 E01 E02 E03 E890
rf I120 I131 N18 N19 N250 Z490 Z491 Z492 Z940 Z992
ld B18 I85 I864 I982 K70 K711 K713 K714 K715 K717 K72 K73 K74 K760 K762 K763 K764 K765 K766 K767 K768 K769 Z944
pud K257 K259 K267 K269 K277 K279 K287 K289
aids B20 B21 B22 B24
lymph C81 C82 C83 C84 C85 C88 C96 C900 C902
metacanc C77 C78 C79 C80
solidtum C00 C01 C02 C03 C04 C05 C06 C07 C08 C09 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C20 C21 C22 C23 C24 C25 C26 C30 C31 C32 C33 C34 C37 C38 C39
  C40 C41 C43 C45 C46 C47 C48 C49 C50 C51 C52 C53 C54 C55 C56 C57 C58 C60 C61 C62 C63 C64 C65 C66 C67 C68 C69 C70 C71 C72 C73 C74 C75 C76 C97
rheumd L940 L941 L943 M05 M06 M08 M120 M123 M30 M310 M311 M312 M313 M32 M33 M34 M35 M45 M461 M468 M469
coag D65 D66 D67 D68 D691 D693 D694 D695 D696
obes E66
wloss E40 E41 E42 E43 E44 E45 E46 R634 R64
fed E222 E86 E87
blane D500
dane D508 D509 D51 D52 D53
alcohol F10 E52 G621 I426 K292 K700 K703 K709 T51 Z502 Z714 Z721
drug F11 F12 F13 F14 F15 F16 F18 F19 Z715 Z722
psycho F20 F22 F23 F24 F25 F28 F29 F302 F312 F315
depre F204 F313 F314 F315 F32 F33 F341 F412 F432`

const parseSas = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .replace(/\n +/g, ' ') // an indented line continues the list above it
      .split('\n')
      .map((line) => {
        const [name, ...codes] = line.split(' ')
        return [name!, codes.sort()]
      }),
  )
const compact = (lists: Readonly<Record<string, readonly string[]>>) =>
  Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.map((c) => c.replace('.', '')).sort()]))
const cdcCategorySet = new Set(cdcCategories.map((r) => r[0]))
// Categories of the WHO-based algorithm that ICD-10-CM does not have (documented in docs/icd10.md).
const WHO_ONLY = ['B21', 'B22', 'B24', 'C97', 'E12', 'E14', 'F00', 'G22', 'G41', 'I64', 'I98', 'J46', 'Z50']

describe('Quan (2005) code lists', () => {
  it("match the authors' SAS macros entry for entry", () => {
    expect(compact(CHARLSON_ICD10_QUAN2005)).toEqual(parseSas(SAS_CHARLSON))
    expect(compact(ELIXHAUSER_ICD10_QUAN2005)).toEqual(parseSas(SAS_ELIXHAUSER))
  })

  it('are well-formed prefixes of known categories, apart from the documented WHO-only ones', () => {
    for (const lists of [CHARLSON_ICD10_QUAN2005, ELIXHAUSER_ICD10_QUAN2005]) {
      for (const [name, prefixes] of Object.entries(lists)) {
        expect(new Set(prefixes).size, name).toBe(prefixes.length)
        for (const prefix of prefixes) {
          expect(prefix, name).toMatch(/^[A-Z][0-9]{2}(\.[0-9])?$/)
          expect(cdcCategorySet.has(prefix.slice(0, 3)) || WHO_ONLY.includes(prefix.slice(0, 3)), `${name} ${prefix}`).toBe(true)
        }
      }
    }
    const used = new Set(
      Object.values({ ...CHARLSON_ICD10_QUAN2005, ...ELIXHAUSER_ICD10_QUAN2005 })
        .flat()
        .map((p) => p.slice(0, 3)),
    )
    for (const who of WHO_ONLY) expect(cdcCategorySet.has(who), who).toBe(false)
    expect(WHO_ONLY.filter((c) => !used.has(c))).toEqual([])
  })
})

const only = <K extends string>(flags: Record<K, boolean>) => (Object.keys(flags) as K[]).filter((k) => flags[k])

describe('charlson', () => {
  // One ICD-10-CM code per condition, with its Charlson (1987) and Quan (2011) weight.
  const perCondition: [CharlsonCondition, string, number, number][] = [
    ['ami', 'I21.4', 1, 0],
    ['chf', 'I50.22', 1, 2],
    ['pvd', 'I70.213', 1, 0],
    ['cevd', 'I63.9', 1, 0],
    ['dementia', 'G30.9', 1, 2],
    ['copd', 'J44.1', 1, 1],
    ['rheumd', 'M05.79', 1, 1],
    ['pud', 'K25.9', 1, 0],
    ['mld', 'K74.60', 1, 2],
    ['diab', 'E11.9', 1, 0],
    ['diabwc', 'E11.22', 2, 1],
    ['hp', 'G81.91', 2, 2],
    ['rend', 'N18.6', 2, 1],
    ['canc', 'C34.90', 2, 2],
    ['msld', 'I85.01', 3, 4],
    ['metacanc', 'C78.7', 6, 6],
    ['aids', 'B20', 6, 4],
  ]

  it('covers all 17 conditions', () => {
    expect(perCondition.map(([c]) => c)).toEqual([...CHARLSON_CONDITIONS])
  })

  for (const [condition, code, weight, quan] of perCondition) {
    it(`${code} is ${condition} alone, scoring ${weight} (Quan 2011: ${quan})`, () => {
      const result = charlson([code])
      expect(only(result.flags)).toEqual([condition])
      expect(result.index).toBe(weight)
      expect(charlson([code], { weights: 'quan2011' }).index).toBe(quan)
    })
  }

  it('scores every condition at once: 29 by Charlson, 24 (the maximum) by Quan 2011', () => {
    const codes = perCondition.map(([, code]) => code)
    // All 17 sum to 33; the hierarchy drops mild liver (1), diabetes (1) and malignancy (2).
    expect(charlson(codes).index).toBe(29)
    expect(charlson(codes, { hierarchy: false }).index).toBe(33)
    // Quan 2011: 28 in all, less mild liver (2) and malignancy (2); diabetes weighs 0.
    expect(charlson(codes, { weights: 'quan2011' }).index).toBe(24)
    expect(charlson(codes, { weights: 'quan2011', hierarchy: false }).index).toBe(28)
  })

  it('counts only moderate/severe liver disease when mild is also coded', () => {
    const result = charlson(['K70.30', 'K70.41'])
    expect(result.detected).toMatchObject({ mld: true, msld: true })
    expect(result.flags).toMatchObject({ mld: false, msld: true })
    expect(result.index).toBe(3)
    expect(charlson(['K70.30', 'K70.41'], { hierarchy: false }).index).toBe(4)
    expect(charlson(['K70.30', 'K70.41'], { weights: 'quan2011' }).index).toBe(4)
  })

  it('counts only diabetes with chronic complications when both are coded', () => {
    const result = charlson(['E11.9', 'E11.22'])
    expect(result.flags).toMatchObject({ diab: false, diabwc: true })
    expect(result.detected).toMatchObject({ diab: true, diabwc: true })
    expect(result.index).toBe(2)
    expect(charlson(['E11.9', 'E11.22'], { hierarchy: false }).index).toBe(3)
  })

  it('counts only the metastatic solid tumour when a malignancy is also coded', () => {
    const result = charlson(['C50.911', 'C79.51'])
    expect(result.flags).toMatchObject({ canc: false, metacanc: true })
    expect(result.index).toBe(6)
    expect(charlson(['C50.911', 'C79.51'], { hierarchy: false }).index).toBe(8)
  })

  it('matches on prefix boundaries exactly', () => {
    expect(charlson(['I25.10']).index).toBe(0) // chronic IHD: only I25.2 (old MI) counts
    expect(only(charlson(['I25.2']).flags)).toEqual(['ami'])
    expect(charlson(['I42.1']).index).toBe(0) // CHF has I42.0 and I42.5–I42.9, not I42.1
    expect(only(charlson(['E11.65']).flags)).toEqual(['diab']) // E1x.6 is "without chronic complication" here
    expect(only(charlson(['K70.0']).flags)).toEqual(['mld'])
    expect(only(charlson(['C44.91']).flags)).toEqual([]) // non-melanoma skin cancer is excluded
    expect(only(charlson(['N18.30', 'N18.4']).flags)).toEqual(['rend'])
  })

  it('reads codes in any format, scores WHO ICD-10 codes, and counts the malformed ones', () => {
    expect(charlson(['i214', ' I21.4 ']).index).toBe(1)
    expect(only(charlson(['F00.1', 'E14.2']).flags)).toEqual(['dementia', 'diabwc'])
    const result = charlson(['junk', '', 'I21.4', 'E1.19'])
    expect(result.invalid).toBe(3)
    expect(result.index).toBe(1)
  })

  it('scores nothing for no codes, and refuses unknown weights', () => {
    expect(charlson([])).toMatchObject({ index: 0, invalid: 0 })
    expect(only(charlson([]).flags)).toEqual([])
    expect(() => charlson(['I21.4'], { weights: 'deyo' as 'charlson' })).toThrow(RangeError)
  })

  it('uses the published weights', () => {
    expect(Object.values(CHARLSON_WEIGHTS.charlson).reduce((a, b) => a + b, 0)).toBe(33)
    expect(CHARLSON_WEIGHTS.quan2011.aids).toBe(4)
  })
})

describe('elixhauser', () => {
  // One ICD-10-CM code per condition; each must flag its condition and nothing else.
  const perCondition: [ElixhauserCondition, string][] = [
    ['chf', 'I50.9'],
    ['carit', 'I48.91'],
    ['valv', 'I35.0'],
    ['pcd', 'I26.99'],
    ['pvd', 'I73.9'],
    ['hypunc', 'I10'],
    ['hypc', 'I11.9'],
    ['para', 'G81.90'],
    ['ond', 'G40.909'],
    ['cpd', 'J44.9'],
    ['diabunc', 'E11.9'],
    ['diabc', 'E11.21'],
    ['hypothy', 'E03.9'],
    ['rf', 'N18.6'],
    ['ld', 'K74.60'],
    ['pud', 'K25.9'],
    ['aids', 'B20'],
    ['lymph', 'C83.30'],
    ['metacanc', 'C78.7'],
    ['solidtum', 'C18.9'],
    ['rheumd', 'M06.9'],
    ['coag', 'D68.9'],
    ['obes', 'E66.9'],
    ['wloss', 'E43'],
    ['fed', 'E87.1'],
    ['blane', 'D50.0'],
    ['dane', 'D51.9'],
    ['alcohol', 'F10.20'],
    ['drug', 'F11.20'],
    ['psycho', 'F20.9'],
    ['depre', 'F32.9'],
  ]

  it('covers all 31 conditions, one code each', () => {
    expect(perCondition.map(([c]) => c)).toEqual([...ELIXHAUSER_CONDITIONS])
    for (const [condition, code] of perCondition) {
      const result = elixhauser([code])
      expect(only(result.flags), code).toEqual([condition])
      expect(result.count, code).toBe(1)
      expect(result.vanWalraven, code).toBe(VAN_WALRAVEN_WEIGHTS[condition])
    }
  })

  it('scores a hand-computed example', () => {
    const result = elixhauser(['I50.9', 'I48.91', 'E66.9'])
    expect(only(result.flags)).toEqual(['chf', 'carit', 'obes'])
    expect(result.count).toBe(3)
    expect(result.vanWalraven).toBe(8) // 7 + 5 - 4
  })

  it('can score below zero', () => {
    const result = elixhauser(['F11.20', 'F32.9', 'E66.01'])
    expect(result.count).toBe(3)
    expect(result.vanWalraven).toBe(-14) // -7 - 3 - 4
  })

  it('applies the hierarchy to hypertension, diabetes and solid tumours', () => {
    const codes = ['I10', 'I11.9', 'E11.9', 'E11.65', 'C18.9', 'C78.7']
    const result = elixhauser(codes)
    expect(only(result.detected)).toEqual(['hypunc', 'hypc', 'diabunc', 'diabc', 'metacanc', 'solidtum'])
    expect(only(result.flags)).toEqual(['hypc', 'diabc', 'metacanc'])
    expect(result.count).toBe(3)
    expect(result.vanWalraven).toBe(12)
    expect(elixhauser(codes, { hierarchy: false })).toMatchObject({ count: 6, vanWalraven: 16 })
  })

  it('scores every condition at once: 28 conditions, 66 points', () => {
    const result = elixhauser(perCondition.map(([, code]) => code))
    // 31 conditions weigh 70 in all; the hierarchy drops hypunc (0), diabunc (0) and solidtum (4).
    expect(result.count).toBe(28)
    expect(result.vanWalraven).toBe(66)
    expect(
      elixhauser(
        perCondition.map(([, code]) => code),
        { hierarchy: false },
      ),
    ).toMatchObject({ count: 31, vanWalraven: 70 })
  })

  it('lets one code count towards two conditions where the algorithm says so', () => {
    expect(only(elixhauser(['F31.5']).flags)).toEqual(['psycho', 'depre'])
    expect(only(elixhauser(['K70.30']).flags)).toEqual(['ld', 'alcohol'])
    expect(elixhauser(['K70.30']).vanWalraven).toBe(11)
  })

  it('excludes bleeding peptic ulcers, unlike Charlson', () => {
    expect(elixhauser(['K25.4']).count).toBe(0)
    expect(charlson(['K25.4']).flags.pud).toBe(true)
  })

  it('ignores malformed codes and counts them', () => {
    expect(elixhauser(['?', 'I50.9'])).toMatchObject({ count: 1, vanWalraven: 7, invalid: 1 })
  })
})
