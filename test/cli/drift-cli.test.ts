import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ksTwoSample } from '../../plugins/monitoring/drift/index.ts'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-drift-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nexora = cliRunner()
const lines = readFileSync(new URL('../../models/readmission-risk/cohort.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')

describe('nexora drift', () => {
  it('reports KS, PSI, Wasserstein and Jensen–Shannon per column and flags a shifted column', async () => {
    const ref = join(dir, 'ref.csv')
    const cur = join(dir, 'cur.csv')
    writeFileSync(ref, lines.slice(0, 1001).join('\n'))
    // The current sample is ten years older: age drifts, nothing else does.
    const header = lines[0]!.split(',')
    const ageAt = header.indexOf('age')
    writeFileSync(
      cur,
      [
        lines[0],
        ...lines.slice(1001, 2001).map((l) =>
          l
            .split(',')
            .map((v, i) => (i === ageAt ? String(Number(v) + 10) : v))
            .join(','),
        ),
      ].join('\n'),
    )
    const out = await nexora('drift', '--reference', ref, '--current', cur, '--columns', 'age,hba1c,sex', '--json')
    expect(out.code).toBe(0)
    const report = JSON.parse(out.stdout)
    expect(report.columns.age.ks.pValue).toBeLessThan(1e-6)
    expect(report.columns.hba1c.ks.pValue).toBeGreaterThan(0.01)
    expect(report.columns.age.psi).toBeGreaterThan(0.1)
    expect(report.columns.sex.chiSquare.dof).toBe(1)
    const ages = (from: number, to: number, shift = 0) => lines.slice(from, to).map((l) => Number(l.split(',')[ageAt]) + shift)
    expect(report.columns.age.ks.statistic).toBe(ksTwoSample(ages(1, 1001), ages(1001, 2001, 10)).statistic)
    expect(report.drift.byColumn).toMatchObject({ age: { drifted: true }, hba1c: { drifted: false } })
    expect((await nexora('drift', '--reference', ref)).code).toBe(2)
    expect((await nexora('drift', '--reference', ref, '--current', cur, '--columns', 'nope')).code).toBe(2)
  })
})
