/** The patient risk view's calls to Nexora's API, and the shapes it reads. */
import { api } from '../../api/client.ts'

export interface PatientSummary {
  id: string
  name: string | null
  birthDate: string | null
  gender: string | null
}
export interface Contribution {
  feature: string
  value?: number | string | boolean | null
  contribution: number
}
export interface FeatureInput {
  name: string
  type?: string
  description?: string
}
export interface ApplicableModel {
  name: string
  version: string
  description?: string
  threshold?: number
  explanationMethod?: string
  inputs: FeatureInput[]
}
export interface PatientPrediction {
  model: { name: string; version: string }
  prediction: { score: number; label?: string; explanation?: Contribution[] }
  features: Record<string, number | string | boolean | null>
  basis: string[]
  sources?: Record<string, string[]>
  requestId: string
  writeBack?: { id?: string }
}
export interface AuditEvent {
  seq: number
  ts: string
  actor: string
  action: string
  outcome: string
  model?: string | null
  version?: string | null
  requestId?: string | null
  reason?: string | null
  context: Record<string, unknown>
}
export const SEVERITIES = ['mild', 'moderate', 'severe', 'life-threatening', 'death'] as const
export type Severity = (typeof SEVERITIES)[number]

interface ModelSummary {
  name: string
  versions: { version: string; stage: string }[]
  aliases: { production?: string; staging?: string; latest?: string }
}
interface ModelVersion {
  name: string
  version: string
  manifest: { description?: string; threshold?: number; explanationMethod?: string; inputs?: FeatureInput[]; featureSpec?: unknown }
}

export const searchPatients = (query: { name?: string; birthdate?: string }) =>
  api.get<{ patients: PatientSummary[]; more: boolean }>('/fhir/patients', { name: query.name, birthdate: query.birthdate, _count: 20 })

/** Models this view can score with: those whose serving version's manifest has a FHIR feature spec. */
export async function applicableModels(): Promise<ApplicableModel[]> {
  const { models } = await api.get<{ models: ModelSummary[] }>('/models')
  const versions = await Promise.all(
    models.map(async (m) => {
      const version = m.aliases.production ?? m.aliases.latest ?? m.versions.at(-1)?.version
      if (!version) return undefined
      return api.get<ModelVersion>(`/models/${encodeURIComponent(m.name)}/versions/${encodeURIComponent(version)}`)
    }),
  )
  return versions.flatMap((v) =>
    v?.manifest.featureSpec
      ? [
          {
            name: v.name,
            version: v.version,
            description: v.manifest.description,
            threshold: v.manifest.threshold,
            explanationMethod: v.manifest.explanationMethod,
            inputs: v.manifest.inputs ?? [],
          },
        ]
      : [],
  )
}

export const predictPatient = (id: string, model: { name: string; version: string }, options: { writeBack?: boolean } = {}) =>
  api.post<PatientPrediction>(
    `/fhir/patient/${encodeURIComponent(id)}/predict`,
    { model: model.name, version: model.version, explain: true },
    { detail: true, ...(options.writeBack ? { writeBack: true } : {}) },
  )

export const predictionHistory = (id: string) =>
  api.get<{ events: AuditEvent[]; nextAfter?: number }>('/audit/events', { patient: `Patient/${id}`, action: 'predict.response', limit: 1000 })

export interface AdverseEventInput {
  type: string
  severity: Severity
  description: string
  model: string
  version: string
  patientRef: string
  predictionId?: string
}
export const reportAdverseEvent = (input: AdverseEventInput) => api.post<{ id: string; status: string }>('/adverse-events', input)

/** Summaries of patients picked from the search, kept in memory only (never stored), to title the view. */
export const picked = new Map<string, PatientSummary>()
