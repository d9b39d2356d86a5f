import { describe, expect, it } from 'vitest'
import { deidentifyText, generalizeAge, mask, RESTRICTED_ZIP3, shiftDate, dateToYear, zip3 } from '../../plugins/deid/index.ts'
import { KEY, spansFor } from '../../testkit/deid-fixture.ts'

const run = (text: string, items: Parameters<typeof spansFor>[1], operators = {}) =>
  deidentifyText(text, { key: KEY, operators, detect: (t) => spansFor(t, items) })

describe('deid operators', () => {
  it("replace writes a type tag, or the caller's tag", async () => {
    const r = await run(
      'Seen by Ana Lopez in Springfield.',
      [
        ['Ana Lopez', 'NAME'],
        ['Springfield', 'CITY'],
      ],
      { NAME: 'replace', CITY: { op: 'replace', tag: '<place>' } },
    )
    expect(r.text).toBe('Seen by [NAME] in <place>.')
    expect(r.counts).toEqual({ NAME: 1, CITY: 1 })
  })

  it('redact removes, and the span points at the empty gap', async () => {
    const r = await run('SSN 123-45-6789 on file', [['123-45-6789', 'SSN']], { SSN: 'redact' })
    expect(r.text).toBe('SSN  on file')
    expect(r.spans).toEqual([{ start: 4, end: 4, type: 'SSN', operator: 'redact' }])
  })

  it('mask keeps the last N characters', async () => {
    const r = await run('card 4111111111111111.', [['4111111111111111', 'ACCOUNT']], { ACCOUNT: { op: 'mask', char: '#', keepLast: 4 } })
    expect(r.text).toBe('card ############1111.')
    expect(mask('abc', '*', 10)).toBe('abc')
    expect(mask('abcdef')).toBe('******')
  })

  it('generalize: ZIP → ZIP3, with 000 for every restricted ZIP3', async () => {
    expect(zip3('02139')).toBe('021')
    expect(zip3('02139-4307')).toBe('021')
    for (const z of ['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']) {
      expect(RESTRICTED_ZIP3.has(z)).toBe(true)
      expect(zip3(`${z}42`)).toBe('000')
    }
    expect(RESTRICTED_ZIP3.size).toBe(17)
    const r = await run('Lives in 03601 and 90210.', [
      ['03601', 'ZIP'],
      ['90210', 'ZIP'],
    ])
    expect(r.text).toBe('Lives in 000 and 902.')
  })

  it('generalize: ages over 89 become "90 or older", younger ages stay', async () => {
    expect(generalizeAge('93')).toBe('90 or older')
    expect(generalizeAge('89')).toBe('89')
    const r = await run('A 95-year-old and a 45-year-old.', [
      ['95-year-old', 'AGE'],
      ['45-year-old', 'AGE'],
    ])
    expect(r.text).toBe('A 90 or older and a 45-year-old.')
  })

  it('generalize: a date becomes its year', async () => {
    expect(dateToYear('March 3, 2021')).toBe('2021')
    expect(dateToYear('2021-03-03T10:00:00Z')).toBe('2021')
    const r = await run('Seen 03/14/2021.', [['03/14/2021', 'DATE']], { DATE: 'generalize' })
    expect(r.text).toBe('Seen 2021.')
  })

  it('dateShift keeps the written format', () => {
    expect(shiftDate('03/14/2021', 10)).toBe('03/24/2021')
    expect(shiftDate('3/4/21', -4)).toBe('2/28/21')
    expect(shiftDate('2021-03-14T10:00:00+01:00', 1)).toBe('2021-03-15T10:00:00+01:00')
    expect(shiftDate('2021-12', 30)).toBe('2022-01')
    expect(shiftDate('March 14, 2021', 20)).toBe('April 3, 2021')
    expect(shiftDate('14 Mar 2021', 20)).toBe('3 Apr 2021')
    expect(shiftDate('25.12.2020', 7)).toBe('01.01.2021')
    expect(shiftDate('2021', 200)).toBe('2021')
    expect(shiftDate('sometime', 3)).toBeUndefined()
  })

  it('an unreadable date is replaced, never passed through', async () => {
    const r = await run('On the ides of March.', [['ides of March', 'DATE']])
    expect(r.text).toBe('On the [DATE].')
  })

  it('offsets are UTF-16 and survive non-BMP characters', async () => {
    const text = '😀 Ana Lopez 🏥 seen 𝒳 03/14/2021 👍'
    const r = await run(
      text,
      [
        ['Ana Lopez', 'NAME'],
        ['03/14/2021', 'DATE'],
      ],
      { NAME: 'replace', DATE: 'replace' },
    )
    expect(r.text).toBe('😀 [NAME] 🏥 seen 𝒳 [DATE] 👍')
    for (const s of r.spans) expect(r.text.slice(s.start, s.end)).toBe(`[${s.type}]`)
    // Masking counts code points: an emoji inside an identifier is one masked character.
    expect(mask('a😀b', '*', 1)).toBe('**b')
  })

  it('overlapping spans: the earlier, longer one wins', async () => {
    const text = 'Ana Lopez'
    const r = await deidentifyText(text, {
      key: KEY,
      operators: { NAME: 'replace', CITY: 'replace' },
      detect: () => [
        { start: 4, end: 9, type: 'CITY', score: 1, detector: 't' },
        { start: 0, end: 9, type: 'NAME', score: 1, detector: 't' },
      ],
    })
    expect(r.text).toBe('[NAME]')
  })

  it('refuses a short key', async () => {
    await expect(deidentifyText('x', { key: 'short', detect: () => [] })).rejects.toMatchObject({ code: 'plugin.invalid' })
  })
})
