import type { JWK } from 'jose'
import { hashFiles, signManifest, type FeatureDef, type ModelArtifact, type ModelManifest } from '../core/index.ts'
import { FEATURES, generateCohort } from '../models/readmission-risk/cohort.ts'
import { linearModelPlugin } from '../plugins/model-linear/index.ts'
import { readModelDir } from '../bin/model-dir.ts'

/** The shipped readmission-risk@1.0.0 manifest, as a base for a challenger's governance fields. */
export const shippedReadmission = (): ModelManifest => readModelDir(new URL('../models/readmission-risk', import.meta.url).pathname).manifest

/**
 * A challenger for readmission-risk: the same cohort rows, stronger regularisation (C = 0.02), so
 * its scores differ from v1's but it reads the same inputs; description and source attributes
 * copied from v1 (they describe the same data and use), the metrics its own; signed when given a key.
 */
export async function readmissionChallenger(version = '2.0.0', signingKey?: JWK): Promise<ModelArtifact> {
  const cohort = generateCohort(4000).slice(0, 3200)
  const inputs = FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[]
  const artifact = await linearModelPlugin.train!(
    { rows: cohort.map(({ readmitted_30d: _y, ...features }) => ({ features })), labels: cohort.map((r) => r.readmitted_30d) },
    { name: 'readmission-risk', version, inputs, C: 0.02, threshold: 0.3 },
  )
  const v1 = shippedReadmission()
  const manifest: ModelManifest = {
    ...artifact.manifest,
    labels: v1.labels,
    description: `${v1.description} — challenger, C = 0.02`,
    ...(v1.sourceAttributes ? { sourceAttributes: v1.sourceAttributes } : {}),
    files: await hashFiles(artifact.files),
  }
  return { manifest: signingKey ? { ...manifest, signature: await signManifest(manifest, signingKey) } : manifest, files: artifact.files }
}
