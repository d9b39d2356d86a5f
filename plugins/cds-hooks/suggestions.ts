import type { Prediction } from '../../core/index.ts'
import { toRiskAssessment } from '../fhir/index.ts'
import type { Suggestion } from './card-schema.ts'
import type { Indicator } from './detail.ts'
import type { CdsHooksSection } from './manifest.ts'

export interface SuggestionInput {
  card: string
  section: CdsHooksSection
  indicator: Indicator
  patientId: string
  model: { name: string; version: string; description?: string }
  prediction: Prediction
  basis: string[]
  occurrence: string
  riskText: string
  /** The card's level (low, elevated, high): the RiskAssessment's qualitative risk says the same as the card. */
  level: string
}

/**
 * The card's suggestions as FHIR create actions the EHR can apply: record the assessment as a
 * RiskAssessment (the same resource the FHIR front door writes back), and, at warning or
 * above, propose the follow-up ServiceRequest the manifest names. Suggestion ids derive from
 * the card's, so feedback says which one was accepted without a lookup.
 */
export function cardSuggestions(input: SuggestionInput): Suggestion[] {
  const { section, patientId, model } = input
  const suggestions: Suggestion[] = []
  if (section.suggestions.riskAssessment) {
    const prediction = { ...input.prediction, label: input.level }
    const resource = toRiskAssessment({ patientId, model, prediction, basis: input.basis, occurrence: input.occurrence, requestId: input.card })
    suggestions.push({
      label: 'Record this risk assessment in the chart',
      uuid: `${input.card}.risk-assessment`,
      actions: [{ type: 'create', description: `Create a RiskAssessment: ${input.riskText}`, resource }],
    })
  }
  const followUp = section.suggestions.followUp
  if (followUp && input.indicator !== 'info') {
    suggestions.push({
      label: followUp.label,
      uuid: `${input.card}.follow-up`,
      ...(input.indicator === 'critical' ? { isRecommended: true } : {}),
      actions: [
        {
          type: 'create',
          description: followUp.label,
          resource: {
            resourceType: 'ServiceRequest',
            status: 'draft',
            intent: 'proposal',
            subject: { reference: `Patient/${patientId}` },
            code: { ...(followUp.code ? { coding: [followUp.code] } : {}), text: followUp.text },
            reasonCode: [{ text: `${input.riskText} (Nexora ${model.name} ${model.version})` }],
            authoredOn: input.occurrence,
          },
        },
      ],
    })
  }
  return suggestions
}
