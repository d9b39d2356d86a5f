import type { FeatureValue, ModelManifest, Prediction } from '../../core/index.ts'
import type { Card } from './card-schema.ts'
import { indicatorFor, percent, riskDetail, type Indicator } from './detail.ts'
import type { CdsHooksSection } from './manifest.ts'
import { cardSuggestions } from './suggestions.ts'

const LEVEL: Record<Indicator, string> = { info: 'low', warning: 'elevated', critical: 'high' }

export interface CardInput {
  /** The card's uuid: the pipeline's request id, so feedback finds the assessment in the audit trail. */
  card: string
  manifest: ModelManifest
  section: CdsHooksSection
  prediction: Prediction
  features: Record<string, FeatureValue>
  basis: string[]
  patientId: string
  /** Where the model card and the source attributes are read, and the SMART app that shows the patient's assessment. */
  links: { modelCard: string; launch: string; sourceAttributes: string }
  occurrence: string
}

/**
 * One card for one assessed outcome, or none when the score is below the manifest's
 * `reportAt`: the risk in the summary, the indicator from the thresholds, the factors and the
 * model version in the detail, the model card as the source, suggestions as FHIR actions, a
 * SMART link to the assessment and a link to the model version's source attributes.
 */
export function riskCard(input: CardInput): Card | undefined {
  const { section, prediction, manifest } = input
  if (prediction.score < section.reportAt) return undefined
  const indicator = indicatorFor(prediction.score, section.thresholds)
  const outcome = section.outcome ?? section.title
  const riskText = `${outcome}: ${percent(prediction.score)} (${LEVEL[indicator]})`
  const model = { name: manifest.name, version: manifest.version, description: manifest.description }
  const suggestions = cardSuggestions({
    card: input.card,
    section,
    indicator,
    patientId: input.patientId,
    model,
    prediction,
    basis: input.basis,
    occurrence: input.occurrence,
    riskText,
    level: LEVEL[indicator],
  })
  return {
    uuid: input.card,
    summary: riskText.length < 140 ? riskText : `${riskText.slice(0, 138)}…`,
    indicator,
    detail: riskDetail({
      outcome,
      score: prediction.score,
      indicator,
      thresholds: section.thresholds,
      explanation: prediction.explanation,
      features: input.features,
      inputs: manifest.inputs,
      model,
      explanationMethod: manifest.explanationMethod,
    }),
    source: {
      label: `Nexora: ${section.title}`,
      url: input.links.modelCard,
      topic: { system: 'urn:nexora:model', code: `${manifest.name}@${manifest.version}`, display: section.title },
    },
    ...(suggestions.length ? { suggestions, selectionBehavior: 'any' as const } : {}),
    ...(section.overrideReasons ? { overrideReasons: section.overrideReasons } : {}),
    links: [
      {
        label: 'Open the assessment in Nexora',
        url: input.links.launch,
        type: 'smart',
        // Handed to the app in the SMART token response: which assessment to show, no PHI.
        appContext: JSON.stringify({ card: input.card, model: manifest.name, version: manifest.version }),
      },
      // ONC HTI-1 has a user able to review a predictive DSI's source attributes (§ 170.315(b)(11)(v)):
      // the card links to this version's, as a plain (absolute) link the EHR opens as it is.
      { label: 'Source attributes of this model (ONC HTI-1)', url: input.links.sourceAttributes, type: 'absolute' },
    ],
  }
}
