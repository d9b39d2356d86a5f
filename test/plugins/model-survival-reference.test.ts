/**
 * plugins/model-survival against R's survival package (test/fixtures/survival/reference.R) and
 * statsmodels (reference_statsmodels.py): 1e-6 on Cox estimates, 1e-8 on survival curves.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { concordanceIndex, fitCox, kaplanMeier, logRankTest, nelsonAalen, type ConfType } from '../../plugins/model-survival/index.ts'

const fixture = (file: string) => readFileSync(new URL(`../fixtures/survival/${file}`, import.meta.url), 'utf8')
type Table = Record<string, (number | string)[]>
function readCsv(file: string): Table {
  const [header, ...lines] = fixture(file).trim().split('\n')
  const names = header!.split(',')
  const table: Table = Object.fromEntries(names.map((n) => [n, []]))
  for (const line of lines) line.split(',').forEach((v, j) => table[names[j]!]!.push(Number.isNaN(Number(v)) ? v : Number(v)))
  return table
}
const num = (t: Table, name: string) => t[name]!.map(Number)

/* eslint-disable @typescript-eslint/no-explicit-any */
const R = JSON.parse(fixture('reference-r.json')) as any
const SM = JSON.parse(fixture('reference-statsmodels.json')) as any

/** Largest |a − b|, with null (R's NA / non-finite) matching any non-finite value. */
function maxDiff(actual: number[], expected: (number | null)[]): number {
  expect(actual).toHaveLength(expected.length)
  return Math.max(
    0,
    ...actual.map((a, i) => {
      const e = expected[i]
      if (e === null || e === undefined) return Number.isFinite(a) ? Infinity : 0
      return Math.abs(a - e)
    }),
  )
}
const maxRecordDiff = (a: Record<string, number>, e: Record<string, number>) =>
  maxDiff(
    Object.keys(e).map((k) => a[k]!),
    Object.values(e),
  )

const datasets = {
  lung: { table: readCsv('lung.csv'), names: ['age', 'sex', 'ph_ecog'] },
  veteran: { table: readCsv('veteran.csv'), names: ['trt', 'karno', 'diagtime', 'age', 'prior'] },
} as const

describe('reference fixtures', () => {
  it('record the versions that produced them', () => {
    expect(R.versions.survival).toMatch(/^\d+\.\d+/)
    expect(SM.versions.statsmodels).toMatch(/^\d+\.\d+/)
  })
})

for (const [name, { table, names }] of Object.entries(datasets)) {
  const data = { times: num(table, 'time'), events: num(table, 'status') }
  const covariates = data.times.map((_, i) => names.map((n) => Number(table[n]![i])))
  const ref = R[name]

  describe(`${name}: Kaplan–Meier and Nelson–Aalen vs R survfit`, () => {
    for (const confType of ['log', 'log-log', 'plain'] as ConfType[]) {
      it(`matches survival, std.err and the ${confType} interval to 1e-8`, () => {
        const km = kaplanMeier(data, { confType })
        const r = ref.km[confType]
        expect(km.times).toEqual(r.time)
        expect(km.atRisk).toEqual(r.nRisk)
        expect(km.events).toEqual(r.nEvent)
        expect(km.censored).toEqual(r.nCensor)
        expect(maxDiff(km.survival, r.survival)).toBeLessThan(1e-8)
        expect(maxDiff(km.stdErr, r.stdErr)).toBeLessThan(1e-8)
        expect(maxDiff(km.lower, r.lower)).toBeLessThan(1e-8)
        expect(maxDiff(km.upper, r.upper)).toBeLessThan(1e-8)
      })
    }
    it('matches the Nelson–Aalen cumulative hazard and its std.err to 1e-8', () => {
      const na = nelsonAalen(data)
      expect(maxDiff(na.cumulativeHazard, ref.km.log.cumhaz)).toBeLessThan(1e-8)
      expect(maxDiff(na.stdErr, ref.km.log.stdChaz)).toBeLessThan(1e-8)
    })
    it('matches statsmodels SurvfuncRight at the event times', () => {
      const km = kaplanMeier(data)
      const sm = SM[name].km
      const at = sm.time.map((t: number) => km.times.indexOf(t))
      expect(
        maxDiff(
          at.map((k: number) => km.survival[k]!),
          sm.survival,
        ),
      ).toBeLessThan(1e-8)
      // statsmodels reports the Greenwood SE of S itself: S × R's std.err.
      const se = at.map((k: number) => km.survival[k]! * km.stdErr[k]!)
      expect(
        maxDiff(
          se.map((v: number, i: number) => (sm.stdErr[i] === null ? Number.NaN : v)),
          sm.stdErr,
        ),
      ).toBeLessThan(1e-8)
    })
  })

  for (const ties of ['efron', 'breslow'] as const) {
    describe(`${name}: Cox (${ties}) vs R coxph and statsmodels PHReg`, () => {
      const fit = fitCox({ ...data, covariates, names: [...names] }, { ties })
      const r = ref.cox[ties]
      it('matches coefficients, SEs, z, p and log-likelihoods to 1e-6', () => {
        expect(fit.converged).toBe(true)
        expect(maxRecordDiff(fit.coefficients, r.coefficients)).toBeLessThan(1e-6)
        expect(maxRecordDiff(fit.standardErrors, r.standardErrors)).toBeLessThan(1e-6)
        expect(maxRecordDiff(fit.z, r.z)).toBeLessThan(1e-6)
        expect(maxRecordDiff(fit.pValues, r.pValues)).toBeLessThan(1e-6)
        expect(Math.abs(fit.logLikelihood - r.logLikelihood)).toBeLessThan(1e-6)
        expect(Math.abs(fit.nullLogLikelihood - r.nullLogLikelihood)).toBeLessThan(1e-6)
        expect(Math.abs(fit.likelihoodRatio.statistic - r.likelihoodRatio.statistic)).toBeLessThan(1e-6)
        expect(fit.likelihoodRatio.df).toBe(r.likelihoodRatio.df)
        expect(Math.abs(fit.likelihoodRatio.pValue - r.likelihoodRatio.pValue)).toBeLessThan(1e-6 * Math.max(r.likelihoodRatio.pValue, 1e-12))
        expect(maxRecordDiff(fit.means, r.means)).toBeLessThan(1e-12)
      })
      it('matches statsmodels PHReg to 1e-6', () => {
        const sm = SM[name].cox[ties]
        expect(maxRecordDiff(fit.coefficients, sm.coefficients)).toBeLessThan(1e-6)
        expect(maxRecordDiff(fit.standardErrors, sm.standardErrors)).toBeLessThan(1e-6)
        expect(Math.abs(fit.logLikelihood - sm.logLikelihood)).toBeLessThan(1e-6)
        expect(Math.abs(fit.nullLogLikelihood - sm.nullLogLikelihood)).toBeLessThan(1e-6)
      })
      it('matches R concordance (counts exactly)', () => {
        const lp = covariates.map((x) => fit.logPartialHazard(x))
        const c = concordanceIndex(data, lp)
        expect(Math.abs(fit.concordance - r.concordance.concordance)).toBeLessThan(1e-9)
        expect([c.concordant, c.discordant, c.tiedRisk, c.tiedTime]).toEqual(Object.values(r.concordance.counts))
      })
      it('matches basehaz (centered = FALSE and TRUE) to 1e-8 (relative)', () => {
        expect(fit.baseline.times).toEqual(r.baseline.time)
        const rel = (a: number[], e: number[]) =>
          maxDiff(
            a.map((v, i) => v / Math.max(1, e[i]!)),
            e.map((v) => v / Math.max(1, v)),
          )
        expect(rel(fit.baseline.cumulativeHazard, r.baseline.hazard)).toBeLessThan(1e-8)
        expect(rel(fit.baselineCentered.cumulativeHazard, r.baselineCentered.hazard)).toBeLessThan(1e-8)
      })
      it('matches predicted survival (survfit(fit, newdata)) to 1e-8 and the linear predictor to 1e-6', () => {
        r.predict.rows.forEach((row: Record<string, number>, i: number) => {
          const x = names.map((n) => row[n]!)
          const s = fit.predictSurvival(x, r.predict.times)
          expect(
            maxDiff(
              s,
              r.predict.survival.map((atTime: number[]) => atTime[i]!),
            ),
          ).toBeLessThan(1e-8)
          expect(Math.abs(fit.logPartialHazard(x) - r.linearPredictor[i])).toBeLessThan(1e-6)
          expect(fit.partialHazard(x)).toBeCloseTo(Math.exp(fit.logPartialHazard(x)), 12)
        })
      })
    })
  }
}

describe('concordance and log-rank vs R', () => {
  const lung = datasets.lung.table
  const lungData = { times: num(lung, 'time'), events: num(lung, 'status') }
  it('concordance(Surv ~ age, reverse = TRUE): same counts and C', () => {
    const c = concordanceIndex(lungData, num(lung, 'age'))
    expect(Math.abs(c.concordance - R.lung.ageConcordance.concordance)).toBeLessThan(1e-12)
    expect([c.concordant, c.discordant, c.tiedRisk, c.tiedTime]).toEqual(Object.values(R.lung.ageConcordance.counts))
  })
  const cases = [
    ['lung by sex', lungData, num(lung, 'sex'), R.lung.logrankSex],
    [
      'veteran by trt',
      { times: num(datasets.veteran.table, 'time'), events: num(datasets.veteran.table, 'status') },
      num(datasets.veteran.table, 'trt'),
      R.veteran.logrankTrt,
    ],
    [
      'veteran by celltype (4 groups)',
      { times: num(datasets.veteran.table, 'time'), events: num(datasets.veteran.table, 'status') },
      datasets.veteran.table.celltype!.map(String),
      R.veteran.logrankCelltype,
    ],
  ] as const
  for (const [label, data, groups, r] of cases) {
    it(`survdiff ${label}: chisq, df, p, O and E`, () => {
      const lr = logRankTest({ ...data, groups: [...groups] })
      expect(lr.groups).toEqual(r.groups.map(String))
      expect(lr.df).toBe(r.df)
      expect(lr.n).toEqual(r.n)
      expect(maxDiff(lr.observed, r.observed)).toBeLessThan(1e-12)
      expect(maxDiff(lr.expected, r.expected)).toBeLessThan(1e-9)
      expect(Math.abs(lr.chisq - r.chisq)).toBeLessThan(1e-8)
      expect(Math.abs(lr.pValue - r.pValue) / r.pValue).toBeLessThan(1e-8)
    })
  }
})
