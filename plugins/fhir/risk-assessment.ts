import type { Prediction } from '../../core/index.ts'

export interface RiskAssessmentInput {
  patientId: string
  model: { name: string; version: string; description?: string }
  prediction: Prediction
  basis: string[]
  occurrence: string
  requestId: string
}

/**
 * The prediction as a FHIR R4 RiskAssessment. `prediction.probabilityDecimal` is the model's
 * score, a probability in 0–1 (not a percentage); `method` names the model and version;
 * `basis` references the resources the features came from.
 */
export function toRiskAssessment(input: RiskAssessmentInput) {
  const { model, prediction } = input
  return {
    resourceType: 'RiskAssessment' as const,
    status: 'final' as const,
    subject: { reference: `Patient/${input.patientId}` },
    occurrenceDateTime: input.occurrence,
    identifier: [{ system: 'urn:nexora:request', value: input.requestId }],
    method: { coding: [{ system: 'urn:nexora:model', code: `${model.name}@${model.version}`, display: model.description ?? model.name }] },
    basis: input.basis.map((reference) => ({ reference })),
    prediction: [
      {
        outcome: { text: model.description ?? model.name },
        probabilityDecimal: prediction.score,
        ...(prediction.label ? { qualitativeRisk: { text: prediction.label } } : {}),
      },
    ],
    ...(prediction.explanation
      ? {
          note: [
            {
              text: `Top factors: ${prediction.explanation
                .slice(0, 5)
                .map((c) => `${c.feature} (${c.contribution >= 0 ? '+' : ''}${c.contribution.toFixed(3)})`)
                .join(', ')}`,
            },
          ],
        }
      : {}),
  }
}
