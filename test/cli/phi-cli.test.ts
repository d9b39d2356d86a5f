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
    expect(found).toEqual(expect.arrayContaining([['NAME', 'Maria Gonzalez'], ['MRN', '88213457'], ['PHONE', '312-555-0143']]))
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
    writeFileSync(file, JSON.stringify({ resourceType: 'Patient', id: 'p9', name: [{ family: 'Gonzalez', given: ['Maria'] }], birthDate: '1961-04-12', address: [{ line: ['12 Elm Street'], city: 'Springfield', state: 'IL', postalCode: '62704' }] }))
    const out = await nexora('deid', '--fhir', file)
    expect(out.code).toBe(0)
    const patient = JSON.parse(out.stdout)
    expect(JSON.stringify(patient)).not.toMatch(/Gonzalez|Elm Street|Springfield|1961-04-12|62704/)
    expect(patient.address[0]).toMatchObject({ state: 'IL', postalCode: '627' })
    expect((await nexora('deid')).code).toBe(2)
  })
})
