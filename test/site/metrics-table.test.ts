import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { calibrationFromMetrics } from '../../site/pages/models/calibration.ts'
import { metricLabel, Metrics, splitNote } from '../../site/pages/models/Metrics.tsx'

const html = (props: Parameters<typeof Metrics>[0]) => renderToStaticMarkup(createElement(Metrics, props))
/** The table's rows as "header | value" text, in order. */
const rows = (markup: string) =>
  [...markup.matchAll(/<tr><th scope="row">(.*?)<\/th><td>(.*?)<\/td><\/tr>/g)].map((m) => `${m[1]} | ${m[2]}`.replace(/<[^>]+>/g, ''))

describe('the version page metrics table: where each figure was measured', () => {
  it('shows held-out figures first with their n, in-sample ones last, flagged optimistic', () => {
    const markup = html({
      metrics: { insample_auroc: 0.7472, insample_n: 3200, heldout_auroc: 0.7331, heldout_brier: 0.1717, heldout_n: 800 },
      split: { method: 'stratified-holdout', fraction: 0.2, seed: 1, trainRows: 3200, testRows: 800 },
    })
    expect(rows(markup)).toEqual(['AUROC (held-out, n=800) | 0.733', 'Brier score (held-out, n=800) | 0.172', 'AUROC (in-sample, optimistic) | 0.747'])
    expect(markup).toContain('Held-out: 800 rows (a seeded stratified 20% hold-out, seed 1) the model never trained on.')
    expect(markup).toContain('In-sample figures score the model on the rows it trained on')
  })

  it('folds the cross-validation spread into its row as ± SD', () => {
    const markup = html({ metrics: { heldout_auroc: 0.7419, heldout_auroc_sd: 0.0144, heldout_n: 4000 }, split: { method: 'kfold', folds: 5, seed: 1 } })
    expect(rows(markup)).toEqual(['AUROC (held-out, n=4,000) | 0.742 ± 0.014'])
    expect(markup).toContain('mean ± SD over 5-fold stratified cross-validation (seed 1)')
    expect(markup).not.toContain('In-sample figures')
  })

  it('says a bare metric (registered before the convention) may be in-sample, and an opt-out has no held-out figures', () => {
    expect(rows(html({ metrics: { auroc: 0.744 } }))).toEqual(['AUROC (not labelled: may be in-sample) | 0.744'])
    expect(splitNote({ method: 'none' })).toMatch(/No rows were held out/)
    expect(splitNote(undefined)).toBeUndefined()
    expect(metricLabel('insample_cIndex')).toEqual({ group: 'In-sample', name: 'C-index' })
  })
})

describe('calibration from manifest metrics', () => {
  it('prefers held-out bins over in-sample ones, and names in-sample bins as such when they are all there is', () => {
    const bins = (tag: string, shift: number) => ({
      [`${tag}_third1_predicted`]: 0.2 + shift,
      [`${tag}_third1_observed`]: 0.1,
      [`${tag}_third2_predicted`]: 0.6 + shift,
      [`${tag}_third2_observed`]: 0.5,
    })
    const both = calibrationFromMetrics({ ...bins('insample', 0.05), ...bins('heldout', 0) })
    expect(both?.source).toBe('Held-out evaluation (model manifest)')
    expect(both?.points.map((p) => [p.label, p.predicted])).toEqual([
      ['third1', 0.2],
      ['third2', 0.6],
    ])
    expect(calibrationFromMetrics(bins('insample', 0))?.source).toMatch(/^In-sample: the training rows themselves, optimistic/)
  })
})
