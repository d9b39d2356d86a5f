/** The registry's shapes, as GET /models and GET /models/{name}/versions/{version} answer them. */
export type Stage = 'none' | 'staging' | 'production' | 'archived'

export interface ModelSummary {
  name: string
  versions: { version: string; stage: Stage; createdAt: string; kind: string }[]
  aliases: { production?: string; staging?: string; latest?: string }
}

export interface ModelVersion {
  name: string
  version: string
  stage: Stage
  createdAt: string
  manifest: {
    name: string
    version: string
    kind: string
    description?: string
    threshold?: number
    labels?: [string, string]
    inputs: { name: string; type: string; unit?: string; description?: string }[]
    outputs: { name: string; type: string; description?: string }[]
    metrics?: Record<string, number>
    /** How it was trained; `split` says how the held-out rows were chosen (bin/honest-metrics.ts). */
    training?: { split?: unknown; [key: string]: unknown }
    card?: string
    explanationMethod?: string
  }
}

export const STAGE_LABEL: Record<Stage, string> = { none: 'No stage', staging: 'Staging', production: 'Production', archived: 'Archived' }
const STAGE_BADGE: Record<Stage, string> = { none: 'badge', staging: 'badge warning', production: 'badge ok', archived: 'badge critical' }

export function StageBadge({ stage }: { stage: Stage }) {
  return <span className={STAGE_BADGE[stage]}>{STAGE_LABEL[stage]}</span>
}

export const modelPath = (name: string, version?: string) => `/models/${encodeURIComponent(name)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`
export const formatDate = (iso: string) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
