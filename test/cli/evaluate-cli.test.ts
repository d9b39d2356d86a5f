import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-eval-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nexora = cliRunner()
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn/breast_cancer_logreg.json', import.meta.url), 'utf8'))

describe('nexora evaluate', () => {
  it('reproduces the scikit-learn metrics of the fixture from CSV, with fairness by group', async () => {
    const fit = fixture.fits[0]
    const csv = join(dir, 'scores.csv')
    writeFileSync(csv, ['label,score,group', ...fixture.y.map((y: number, i: number) => `${y},${fit.proba[i]},${i % 3 === 0 ? 'A' : 'B'}`)].join('\n'))
    const out = await nexora('evaluate', '--csv', csv, '--label', 'label', '--score', 'score', '--group', 'group', '--json')
    expect(out.code).toBe(0)
    const r = JSON.parse(out.stdout)
    expect(Math.abs(r.auroc - fit.auroc)).toBeLessThan(1e-12)
    expect(Math.abs(r.auprc - fit.averagePrecision)).toBeLessThan(1e-12)
    expect(Math.abs(r.brier - fit.brier)).toBeLessThan(1e-12)
    expect(Math.abs(r.logLoss - fit.logLoss)).toBeLessThan(1e-12)
    r.calibration.probTrue.forEach((v: number, i: number) => expect(Math.abs(v - fit.calibration.probTrue[i])).toBeLessThan(1e-12))
    for (const k of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'accuracy', 'ece']) expect(r[k]).toBeGreaterThan(0)
    expect(Object.keys(r.fairness.byGroup).sort()).toEqual(['group=A', 'group=B'])
    expect(r.fairness.equalizedOddsDifference).toBeGreaterThanOrEqual(r.fairness.equalOpportunityDifference - 1e-12)
    expect((await nexora('evaluate', '--csv', csv, '--label', 'label')).code).toBe(2)
    expect((await nexora('evaluate', '--csv', csv, '--label', 'label', '--score', 'score', '--threshold', '2')).code).toBe(2)
  })
})
