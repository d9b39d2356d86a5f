import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { missingSourceAttributes, SourceAttributesSchema, type SourceAttributes } from '../../core/index.ts'
import { BUNDLED_FILE, renderBundledModel } from '../../models/bundle.build.ts'
import {
  describeDemographics,
  fhirHeldOutSubgroups,
  fhirTraining,
  LUNG_SEX,
  lungTraining,
  sequenceTraining,
  tabularTraining,
} from '../../models/cohort-figures.ts'
import { modelsWithSourceAttributes, readJson } from '../../models/source-attributes.ts'

const DEMO = ['mortality-transformer', 'readmission-deepfm', 'readmission-fhir', 'readmission-onnx', 'readmission-risk', 'survival-cox']
const read = (file: string) => readFileSync(new URL(`../../models/${file}`, import.meta.url), 'utf8')
const manifestOf = (id: string) => readJson(id, 'manifest.json') as { metrics: Record<string, number>; sourceAttributes: SourceAttributes }
const attributesOf = (id: string) => readJson(id, 'source-attributes.json') as unknown as SourceAttributes

describe('the demo models’ source attributes (ONC HTI-1)', () => {
  it('are complete in every shipped manifest, and the same as the source-attributes.json its train script merges', () => {
    expect(modelsWithSourceAttributes()).toEqual(DEMO)
    for (const id of DEMO) {
      const manifest = manifestOf(id)
      expect(missingSourceAttributes(manifest), id).toEqual([])
      expect(SourceAttributesSchema.safeParse(manifest.sourceAttributes).success, id).toBe(true)
      expect(manifest.sourceAttributes, id).toEqual(attributesOf(id))
      const script = id === 'readmission-onnx' ? read(`${id}/train.py`) : read(`${id}/train.ts`)
      expect(script, `${id} keeps its attributes on retraining`).toContain('source-attributes.json')
    }
  })

  it('quote held-out performance only: the manifest’s heldout_ metrics, never an in-sample figure', () => {
    for (const id of DEMO) {
      const { metrics, sourceAttributes } = manifestOf(id)
      const heldOut = Object.fromEntries(Object.entries(metrics).filter(([k]) => k.startsWith('heldout_')))
      expect(Object.keys(heldOut).length, id).toBeGreaterThan(0)
      expect(sourceAttributes.performance.internalValidity, id).toMatchObject({ measures: heldOut })
    }
  })

  it('say truthfully that no model was externally validated, used locally or studied for outcomes', () => {
    for (const id of DEMO) {
      const { externalValidation, performance, maintenance } = attributesOf(id)
      for (const value of [...Object.values(externalValidation), performance.externalValidity, performance.externalFairness, performance.outcomeEvaluations])
        expect(value, id).toMatchObject({ status: 'not-available' })
      expect([maintenance.localValidity, maintenance.localFairness], id).toMatchObject([{ status: 'not-available' }, { status: 'not-available' }])
      expect(attributesOf(id).purpose.intendedUse, id).toMatch(/^Demonstration only: .* not intended to inform the care of any patient\.$/)
    }
    for (const id of DEMO.filter((m) => m !== 'survival-cox')) expect(attributesOf(id).development.demographicRepresentativeness, id).toContain('synthetic')
    expect(attributesOf('survival-cox').development.inclusionExclusionCriteria).toContain("R survival 3.5.3's lung data")
  })

  it('quote the demographics of the rows that trained each model, as models/cohort-figures.ts recomputes them', { timeout: 180_000 }, async () => {
    const tabular = describeDemographics(tabularTraining())
    expect(tabular).toBe('n = 3,200; sex F 1,586 (49.6 %), M 1,614 (50.4 %); age in years median 64, quartiles 54–75, range 18–100')
    for (const id of ['readmission-risk', 'readmission-deepfm', 'readmission-onnx'])
      expect(attributesOf(id).development.demographicRepresentativeness).toContain(tabular)
    expect(attributesOf('readmission-fhir').development.demographicRepresentativeness).toContain(describeDemographics(await fhirTraining()))
    expect(attributesOf('mortality-transformer').development.demographicRepresentativeness).toContain(describeDemographics(sequenceTraining()))
    expect(attributesOf('survival-cox').development.demographicRepresentativeness).toContain(describeDemographics(lungTraining(), LUNG_SEX))
    // Subgroup discrimination of readmission-fhir, recomputed from its committed model on the held-out patients.
    expect(attributesOf('readmission-fhir').performance.internalFairness.subgroups).toEqual(await fhirHeldOutSubgroups())
  })

  it('quote subgroup figures that the model cards report for the held-out rows', () => {
    for (const id of ['readmission-risk', 'readmission-deepfm', 'readmission-onnx', 'mortality-transformer']) {
      const card = read(`${id}/README.md`)
      const subgroups = attributesOf(id).performance.internalFairness.subgroups!
      expect(subgroups.length, id).toBeGreaterThanOrEqual(4)
      for (const s of subgroups) {
        expect(card, `${id} ${s.group}`).toContain(String(s.n))
        for (const v of Object.values(s.measures)) expect(card, `${id} ${s.group}`).toContain(v.toFixed(3))
      }
    }
  })

  it('travel in the bundled readmission-risk copy (models/readmission-risk/bundled.ts is regenerated, not edited)', async () => {
    expect(readFileSync(BUNDLED_FILE, 'utf8')).toBe(renderBundledModel())
    const { readmissionRisk } = await import('../../models/readmission-risk/bundled.ts')
    expect(readmissionRisk.manifest.sourceAttributes).toEqual(attributesOf('readmission-risk'))
  })
})
