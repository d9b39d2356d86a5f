import { describe, expect, it } from 'vitest'
import { deidentifyText } from '../../plugins/deid/index.ts'
import { KEY, OTHER_KEY, spansFor } from '../../testkit/deid-fixture.ts'

const TEXT = 'John Smith, MRN A12-345678, jsmith@example.com, 10.20.30.40, https://pt.example/jsmith'
const ITEMS: Parameters<typeof spansFor>[1] = [
  ['John Smith', 'NAME'],
  ['A12-345678', 'MRN'],
  ['jsmith@example.com', 'EMAIL'],
  ['10.20.30.40', 'IP'],
  ['https://pt.example/jsmith', 'URL'],
]
const pseudo = (key: string, text = TEXT, items = ITEMS) => deidentifyText(text, { key, detect: (t) => spansFor(t, items) })

describe('pseudonymize (HMAC-SHA-256)', () => {
  it('is stable for the same key across runs', async () => {
    const [a, b] = await Promise.all([pseudo(KEY), pseudo(KEY)])
    expect(a.text).toBe(b.text)
    expect(a.text).not.toContain('John')
    expect(a.text).not.toContain('Smith')
  })

  it('differs under another key', async () => {
    const [a, b] = await Promise.all([pseudo(KEY), pseudo(OTHER_KEY)])
    const parts = (t: string) => t.split(', ')
    // ids, emails and URLs come from 32+ bits of the digest; a collision would be a bug.
    expect(parts(a.text)[1]).not.toBe(parts(b.text)[1])
    expect(parts(a.text)[2]).not.toBe(parts(b.text)[2])
    expect(parts(a.text)[4]).not.toBe(parts(b.text)[4])
  })

  it('preserves formats', async () => {
    const [name, mrn, email, ip, url] = (await pseudo(KEY)).text.split(', ')
    expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/)
    expect(mrn).toMatch(/^MRN [A-Z]\d{2}-\d{6}$/)
    expect(email).toMatch(/^user-[0-9a-f]{8}@example\.org$/)
    expect(ip).toMatch(/^198\.51\.100\.\d{1,3}$/)
    expect(url).toMatch(/^https:\/\/example\.org\/[0-9a-f]{8}$/)
    const ssn = await deidentifyText('123-45-6789', { key: KEY, detect: (t) => spansFor(t, [['123-45-6789', 'SSN']]) })
    expect(ssn.text).toMatch(/^9\d{2}-\d{2}-\d{4}$/)
  })

  it('maps a name token the same way wherever it appears, keeping case', async () => {
    const text = 'John Smith; SMITH, JOHN; smith'
    const r = await deidentifyText(text, {
      key: KEY,
      detect: (t) =>
        spansFor(t, [
          ['John Smith', 'NAME'],
          ['SMITH, JOHN', 'NAME'],
          ['smith', 'NAME'],
        ]),
    })
    const [first, last] = r.text.split(';')[0]!.split(' ')
    expect(r.text).toBe(`${first} ${last}; ${last!.toUpperCase()}, ${first!.toUpperCase()}; ${last!.toLowerCase()}`)
  })
})

describe('dateShift', () => {
  const dates = (patientId: string, key = KEY) =>
    deidentifyText('03/04/2024 and 03/14/2024', {
      key,
      patientId,
      detect: (t) =>
        spansFor(t, [
          ['03/04/2024', 'DATE'],
          ['03/14/2024', 'DATE'],
        ]),
    })
  const days = (s: string) => Date.parse(s) / 86_400_000

  it('keeps intervals within a patient', async () => {
    const [a, b] = (await dates('pat-1')).text.split(' and ')
    expect(days(b!) - days(a!)).toBe(10)
    expect(a).not.toBe('03/04/2024')
  })

  it('is consistent per patient and differs across patients and keys', async () => {
    const runs = await Promise.all([dates('pat-1'), dates('pat-1'), dates('pat-2'), dates('pat-1', OTHER_KEY)])
    expect(runs[0]!.text).toBe(runs[1]!.text)
    expect(runs[0]!.text).not.toBe(runs[2]!.text)
    expect(runs[0]!.text).not.toBe(runs[3]!.text)
    for (const r of runs) expect(Math.abs(days(r.text.split(' and ')[0]!) - days('03/04/2024'))).toBeLessThanOrEqual(365)
  })
})

describe('surrogate names', () => {
  it('never return a name from the list as itself', async () => {
    const names = ['Avery', 'Parker', 'Jordan', 'Blake', 'Carter', 'Monroe', 'Reyes', 'Sawyer']
    const text = names.join(' ')
    const r = await deidentifyText(text, {
      key: KEY,
      detect: (t) => names.map((n) => ({ start: t.indexOf(n), end: t.indexOf(n) + n.length, type: 'NAME' as const, score: 1, detector: 't' })),
    })
    r.text.split(' ').forEach((s, i) => expect(s).not.toBe(names[i]))
  })
})

describe('a synchronous HMAC from the runtime', () => {
  it('gives exactly the surrogates WebCrypto gives', async () => {
    const { createHmac } = await import('node:crypto')
    const { deidentifyText } = await import('../../plugins/deid/index.ts')
    const hmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(data).digest())
    const text = 'Pt John Smith (MRN: 4471920) seen 03/14/2021, call 617-555-0199.'
    const key = 'k'.repeat(32)
    const [web, sync] = [await deidentifyText(text, { key, patientId: 'p1' }), await deidentifyText(text, { key, patientId: 'p1', hmac })]
    expect(sync.text).toBe(web.text)
    expect(sync.text).not.toBe(text)
  })
})
