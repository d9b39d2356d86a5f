import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const lung = new URL('../fixtures/survival/lung.csv', import.meta.url).pathname
const reference = JSON.parse(readFileSync(new URL('../fixtures/survival/reference-r.json', import.meta.url), 'utf8')).lung

const nexora = cliRunner()

describe('nexora survival', () => {
  it('fits a Cox model from CSV matching R survival to 1e-6', async () => {
    for (const ties of ['efron', 'breslow'] as const) {
      const out = await nexora(
        'survival',
        'fit',
        '--csv',
        lung,
        '--time',
        'time',
        '--event',
        'status',
        '--covariates',
        'age,sex,ph_ecog',
        '--ties',
        ties,
        '--json',
      )
      expect(out.code).toBe(0)
      const fit = JSON.parse(out.stdout)
      const r = reference.cox[ties]
      for (const name of ['age', 'sex', 'ph_ecog']) {
        expect(Math.abs(fit.coefficients[name] - r.coefficients[name])).toBeLessThan(1e-6)
        expect(Math.abs(fit.standardErrors[name] - r.standardErrors[name])).toBeLessThan(1e-6)
      }
      expect(Math.abs(fit.logLikelihood - r.logLikelihood)).toBeLessThan(1e-6)
      expect(Math.abs(fit.concordance - r.concordance.concordance)).toBeLessThan(1e-6)
    }
  })

  it('prints the Kaplan–Meier curve matching R survfit to 1e-8', async () => {
    const out = await nexora('survival', 'km', '--csv', lung, '--time', 'time', '--event', 'status', '--json')
    const km = JSON.parse(out.stdout)
    expect(km.times).toEqual(reference.km.log.time)
    km.survival.forEach((s: number, i: number) => expect(Math.abs(s - reference.km.log.survival[i])).toBeLessThan(1e-8))
  })

  it('rejects bad flags and columns with exit code 2', async () => {
    expect((await nexora('survival', 'fit', '--csv', lung, '--time', 'time')).code).toBe(2)
    expect((await nexora('survival', 'fit', '--csv', lung, '--time', 'nope', '--event', 'status')).code).toBe(2)
    expect((await nexora('survival', 'fit', '--csv', lung, '--time', 'time', '--event', 'status', '--ties', 'exact')).code).toBe(2)
  })
})
