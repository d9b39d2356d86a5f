import { describe, expect, it } from 'vitest'
import { detectPhi } from '../../plugins/phi/index.ts'

describe('offsets are UTF-16 code units into the original string', () => {
  it.each([
    ['emoji (surrogate pairs)', '👩‍⚕️🙏 thanks! '],
    ['combining marks', 'cafe\u0301 de\u0301ja\u0300 vu '],
    ['CJK', '患者の記録、謝謝。'],
  ])('after %s', (_label, prefix) => {
    const text = `${prefix}Seen by Dr. Okafor on 03/14/2021, SSN 123-45-6789.`
    const spans = detectPhi(text)
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Okafor', '03/14/2021', '123-45-6789'])
    expect(spans[0]?.start).toBe(text.indexOf('Okafor'))
  })
})
