import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { sourceAttributesReport } from '../../core/registry/source-attributes-report.ts'
import { SourceAttributesView, type SourceAttributesReport } from '../../site/pages/models/SourceAttributes.tsx'
import { completeSourceAttributes } from '../../testkit/source-attributes.ts'

const html = (sourceAttributes: unknown) =>
  renderToStaticMarkup(
    createElement(SourceAttributesView, { report: sourceAttributesReport({ name: 'toy', version: '1.0.0', sourceAttributes }) as SourceAttributesReport }),
  )
const attribute = (out: string, key: string) =>
  new RegExp(`<div class="sa-attribute [a-z-]+" data-key="${key.replace('.', '\\.')}">(.*?)</dd></div>`).exec(out)?.[1]

describe('the source attributes on a version page', () => {
  it('shows the nine groups in order, closed when complete, with every structured value spelled out', () => {
    const out = html(completeSourceAttributes())
    expect(out).toContain('<p class="state ok">All 31 source attributes are given: 20 provided, 11 not available.')
    expect([...out.matchAll(/<h4>\((\d)\) /g)].map((m) => m[1])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(out).not.toContain('<details class="sa-group" open')
    expect([...out.matchAll(/<span class="badge ok">([^<]+)<\/span>/g)].map((m) => m[1])).toEqual([
      'Answered',
      'Answered',
      'Answered',
      'Answered',
      'Answered',
      'Answered (4 not available)',
      'Answered (3 not available)',
      'Answered (4 not available)',
      'Answered',
    ])
    expect(out.match(/class="sa-attribute /g)).toHaveLength(31)
    expect(attribute(out, 'details.developer')).toContain('Test developer — test@example.org')
    expect(attribute(out, 'details.outputType')).toContain('<strong>Prediction</strong>: A probability of a future event.')
    expect(attribute(out, 'externalValidation.process')).toContain('<span class="badge">Not available</span> Not externally validated.')
    // The nine demographic variables as a table, each a row header.
    const uses = attribute(out, 'development.demographicInputFeatures')!
    expect([...uses.matchAll(/<th scope="row">([^<]+)<\/th><td>(Yes|No)<\/td>/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual([
      'Race:No',
      'Ethnicity:No',
      'Language:No',
      'Sexual orientation:No',
      'Gender identity:No',
      'Sex:Yes',
      'Date of birth:Yes',
      'Social determinants of health:No',
      'Health status assessments:No',
    ])
    expect(attribute(out, 'performance.internalValidity')).toContain('<th scope="row">AUROC (held-out)</th><td>0.700</td>')
    expect(attribute(out, 'performance.internalFairness')).toContain('<th scope="row">sex F</th><td>10</td><td>0.700</td>')
  })

  it('flags each missing attribute in words and opens its group; text is text, never markup', () => {
    const attributes = completeSourceAttributes() as unknown as Record<string, Record<string, unknown>>
    attributes.fairness!.approach = undefined
    attributes.updates = undefined as never
    attributes.purpose!.intendedUse = '<img src=x onerror=alert(1)>'
    const out = html(attributes)
    expect(out).toContain('<p class="state error">3 of 31 source attributes are missing (17 provided, 11 not available).')
    expect([...out.matchAll(/<details class="sa-group"( open="")?>/g)].map((m) => Boolean(m[1]))).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ])
    expect(out).toContain('<span class="badge critical">2 missing</span>')
    expect(attribute(out, 'fairness.approach')).toContain('<span class="badge critical">Missing</span>')
    expect(attribute(out, 'fairness.approach')).toContain('Not provided: the developer has not supplied this attribute.')
    expect(attribute(out, 'fairness.biasManagement')).not.toContain('Missing')
    expect(out).not.toContain('<img')
    expect(attribute(out, 'purpose.intendedUse')).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})
