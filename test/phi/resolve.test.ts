import { describe, expect, it } from 'vitest'
import { detectPhi, resolveSpans, type PhiSpan } from '../../plugins/phi/index.ts'

const s = (start: number, end: number, type: PhiSpan['type'], score: number): PhiSpan => ({ start, end, type, score, detector: 't' })

describe('overlap policy and config lists', () => {
  it('higher score wins, then the longer span', () => {
    expect(resolveSpans('x'.repeat(20), [s(0, 4, 'NAME', 0.6), s(2, 10, 'DATE', 0.9)])).toEqual([s(2, 10, 'DATE', 0.9)])
    expect(resolveSpans('x'.repeat(20), [s(0, 4, 'NAME', 0.9), s(0, 8, 'LOCATION', 0.9)])).toEqual([s(0, 8, 'LOCATION', 0.9)])
  })
  it('adjacent NAME pieces merge across one space; IPs do not', () => {
    expect(resolveSpans('John Smith', [s(0, 4, 'NAME', 0.7), s(5, 10, 'NAME', 0.9)])).toEqual([{ ...s(0, 10, 'NAME', 0.9) }])
    expect(resolveSpans('1.1.1.1 2.2.2.2', [s(0, 7, 'IP', 0.9), s(8, 15, 'IP', 0.9)])).toHaveLength(2)
  })
  it('allow suppresses, deny forces, threshold filters', () => {
    const text = 'Seen at Mercy Clinic by Dr. Okafor in Pod Blue.'
    expect(detectPhi(text, { allow: ['Mercy Clinic'] }).map((x) => x.type)).toEqual(['NAME'])
    expect(detectPhi(text, { deny: [{ term: 'Pod Blue', type: 'LOCATION' }] }).map((x) => text.slice(x.start, x.end))).toContain('Pod Blue')
    expect(detectPhi(text, { threshold: 0.99 })).toEqual([])
  })
})

describe('docs/phi.md stays true', () => {
  it('lists every type with its Safe Harbor category', async () => {
    const { readFileSync } = await import('node:fs')
    const { SAFE_HARBOR } = await import('../../plugins/phi/index.ts')
    const doc = readFileSync(new URL('../../docs/phi.md', import.meta.url), 'utf8')
    for (const [type, { category }] of Object.entries(SAFE_HARBOR)) expect(doc, type).toMatch(new RegExp(`\\| \`${type}\` \\| \\(${category}[ )]`))
  })
})
