import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-phi-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const NOTE = 'Discharge summary for Maria Gonzalez (DOB: 04/12/1961), MRN: 88213457. Phone 312-555-0143.'

const nexora = cliRunner({ env: { NEXORA_DATA_DIR: dir } })

describe('nexora phi and nexora deid', () => {
  it('detects PHI in a text file with offsets into it', async () => {
    const file = join(dir, 'note.txt')
    writeFileSync(file, NOTE)
    const out = await nexora('phi', 'detect', '--text-file', file, '--json')
    expect(out.code).toBe(0)
    const { entities } = JSON.parse(out.stdout)
    const found = entities.map((e: { start: number; end: number; type: string }) => [e.type, NOTE.slice(e.start, e.end)])
    expect(found).toEqual(
      expect.arrayContaining([
        ['NAME', 'Maria Gonzalez'],
        ['MRN', '88213457'],
        ['PHONE', '312-555-0143'],
      ]),
    )
  })

  it('de-identifies text with the same surrogates every run under one key, and others under another', async () => {
    const file = join(dir, 'note.txt')
    writeFileSync(file, NOTE)
    const [a, b] = [await nexora('deid', '--text-file', file), await nexora('deid', '--text-file', file)]
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    expect(a.stdout).not.toMatch(/Gonzalez|88213457|312-555-0143|04\/12\/1961/)
    const keyFile = join(dir, 'other.key')
    writeFileSync(keyFile, 'another-secret-key-of-32-characters!')
    expect((await nexora('deid', '--text-file', file, '--key-file', keyFile)).stdout).not.toBe(a.stdout)
  })

  it('de-identifies a FHIR resource file', async () => {
    const file = join(dir, 'patient.json')
    writeFileSync(
      file,
      JSON.stringify({
        resourceType: 'Patient',
        id: 'p9',
        name: [{ family: 'Gonzalez', given: ['Maria'] }],
        birthDate: '1961-04-12',
        address: [{ line: ['12 Elm Street'], city: 'Springfield', state: 'IL', postalCode: '62704' }],
      }),
    )
    const out = await nexora('deid', '--fhir', file)
    expect(out.code).toBe(0)
    const patient = JSON.parse(out.stdout)
    expect(JSON.stringify(patient)).not.toMatch(/Gonzalez|Elm Street|Springfield|1961-04-12|62704/)
    expect(patient.address[0]).toMatchObject({ state: 'IL', postalCode: '627' })
    expect((await nexora('deid')).code).toBe(2)
  })
})

describe('nexora phi evaluate', () => {
  // A small corpus written here, in two annotation schemes (PhysioNet-style and Presidio-style labels).
  const doc = (text: string, ...labelled: [string, string][]) => ({
    text,
    spans: labelled.map(([value, type]) => ({ start: text.indexOf(value), end: text.indexOf(value) + value.length, type })),
  })
  const docs = [
    doc('Seen by Dr. Okafor. Cath 3/14, transferred to Quarrytown General.', ['Okafor', 'HCPName'], ['3/14', 'Date'], ['Quarrytown', 'Location']),
    doc('pt resting comfortably, no acute events overnight.'),
    doc('daughter Zenaida Brightwater called at 617-555-0142.', ['Zenaida Brightwater', 'PERSON'], ['617-555-0142', 'PHONE_NUMBER']),
    doc('Lungs clear. Plan reviewed with Nurse Kettleby.', ['Kettleby', 'Staff']),
  ]
  const write = (name: string, body: string) => {
    const file = join(dir, name)
    writeFileSync(file, body)
    return file
  }
  const corpus = write('corpus.jsonl', docs.map((d) => JSON.stringify(d)).join('\n') + '\n')

  it('scores the detector per type group, with misses, false positives and false alarms per PHI-free note', async () => {
    const out = await nexora('phi', 'evaluate', '--corpus', corpus, '--json')
    expect(out.code).toBe(0)
    const r = JSON.parse(out.stdout)
    expect(r).toMatchObject({ mode: 'recall', documents: 4, phiFreeDocuments: 1, falsePositivesPerPhiFreeDocument: 0 })
    expect(r.byType.NAME.overlap).toMatchObject({ gold: 2, tp: 2 })
    expect(r.byType.DATE.overlap).toMatchObject({ gold: 1, tp: 1 })
    expect(r.byType.CONTACT.overlap).toMatchObject({ gold: 1, tp: 1 })
    // `Staff` is no known label: it is its own group, and the name found there is typed NAME.
    expect(r.byType.Staff.overlap).toMatchObject({ gold: 1, tp: 0 })
    expect(r.byType.ANY.overlap.gold).toBe(6)
    expect(r.byType.ANY.overlap.tp).toBe(6)
    expect(r.misses).toEqual([])
    // Precision mode reports only identifiers with evidence: a month/day with no date word before it is not enough.
    const precise = JSON.parse((await nexora('phi', 'evaluate', '--corpus', corpus, '--mode', 'precision', '--json')).stdout)
    expect(precise.mode).toBe('precision')
    expect(precise.misses).toEqual([{ text: '3/14', type: 'DATE', count: 1 }])
  })

  it('folds labels by --map, and prints a table with the misses', async () => {
    const map = write('map.json', JSON.stringify({ Staff: 'NAME' }))
    const r = JSON.parse((await nexora('phi', 'evaluate', '--corpus', corpus, '--map', map, '--json')).stdout)
    expect(r.byType.NAME.overlap.gold).toBe(3)
    expect(r.byType.Staff).toBeUndefined()
    const table = await nexora('phi', 'evaluate', '--corpus', corpus, '--top', '3')
    expect(table.stdout).toMatch(/^\| NAME \| 2 \|/m)
    expect(table.stdout).toContain('false alarms per PHI-free document: 0.000')
  })

  it('counts a miss and a false positive by their text', async () => {
    const file = write('fp.jsonl', JSON.stringify({ text: 'Seen by Dr. Okafor today.', spans: [{ start: 0, end: 4, type: 'NAME' }] }))
    const r = JSON.parse((await nexora('phi', 'evaluate', '--corpus', file, '--json')).stdout)
    expect(r.misses).toEqual([{ text: 'Seen', type: 'NAME', count: 1 }])
    expect(r.falsePositives).toEqual([{ text: 'Okafor', type: 'NAME', count: 1 }])
  })

  it('refuses a malformed corpus by line and field, quoting none of its text', async () => {
    const cases = [
      ['{"text": "Okafor", "spans": [{"start": 0, "end": 99, "type": "NAME"}]}', /line 1: span 0 needs whole-number start < end/],
      ['\n{"spans": []}', /line 2: "text" must be a string/],
      ['{"text": "Okafor", "spans": [{"start": 0, "end": 3}]}', /span 0 needs a "type"/],
      ['Okafor', /line 1: not JSON/],
    ] as const
    for (const [body, message] of cases) {
      const out = await nexora('phi', 'evaluate', '--corpus', write('bad.jsonl', body))
      expect(out.code).toBe(2)
      expect(out.stderr).toMatch(message)
      expect(out.stderr).not.toContain('Okafor')
    }
    expect((await nexora('phi', 'evaluate', '--corpus', corpus, '--mode', 'strict')).code).toBe(2)
    expect((await nexora('phi', 'evaluate')).code).toBe(2)
  })
})
