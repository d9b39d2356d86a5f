/**
 * A model plugin written from scratch: naive Bayes for tabular rows (Gaussian numbers, Bernoulli
 * booleans, Laplace-smoothed categories). It is an example of the ModelPlugin port, small on
 * purpose, and its explanation is exact: naive Bayes' log-odds is the prior log-odds plus one
 * log-likelihood ratio per feature, so the contributions add up to logit(score) − prior.
 */
import {
  classifierMetrics,
  definePlugin,
  NexoraError,
  type Contribution,
  type Dataset,
  type FeatureDef,
  type ModelArtifact,
  type ModelPlugin,
  type Row,
  type TrainOptions,
} from 'nexora'

type Term =
  | { type: 'number'; mean: [number, number]; variance: [number, number] }
  | { type: 'boolean'; pTrue: [number, number] }
  | { type: 'category'; p: Record<string, [number, number]> }
interface Artifact {
  format: 'naive-bayes-v1'
  priorLogOdds: number
  terms: Record<string, Term>
}

const FILE = 'naive-bayes.json'
const logNormal = (x: number, mean: number, variance: number) => -0.5 * Math.log(2 * Math.PI * variance) - (x - mean) ** 2 / (2 * variance)

/** log P(x | y=1) − log P(x | y=0) for one feature; 0 for a missing value (it carries no evidence). */
function llr(term: Term, value: unknown): number {
  if (value === null || value === undefined) return 0
  if (term.type === 'number') return logNormal(value as number, term.mean[1], term.variance[1]) - logNormal(value as number, term.mean[0], term.variance[0])
  if (term.type === 'boolean') return value ? Math.log(term.pTrue[1] / term.pTrue[0]) : Math.log((1 - term.pTrue[1]) / (1 - term.pTrue[0]))
  const p = term.p[String(value)]
  return p ? Math.log(p[1] / p[0]) : 0
}

function fitTerm(def: FeatureDef, rows: Row[], labels: number[]): Term {
  const byClass = [0, 1].map((c) =>
    rows
      .filter((_, i) => labels[i] === c)
      .map((r) => r.features[def.name])
      .filter((v) => v !== null && v !== undefined),
  )
  if (def.type === 'number') {
    const mean = byClass.map((v) => (v as number[]).reduce((a, b) => a + b, 0) / Math.max(1, v.length)) as [number, number]
    // A variance floor keeps a constant feature from dividing by zero.
    const variance = byClass.map((v, c) => Math.max(1e-9, (v as number[]).reduce((a, b) => a + (b - mean[c]!) ** 2, 0) / Math.max(1, v.length))) as [
      number,
      number,
    ]
    return { type: 'number', mean, variance }
  }
  if (def.type === 'boolean') return { type: 'boolean', pTrue: byClass.map((v) => (v.filter(Boolean).length + 1) / (v.length + 2)) as [number, number] }
  const categories = def.categories ?? [...new Set(byClass.flat().map(String))]
  return {
    type: 'category',
    p: Object.fromEntries(
      categories.map((k) => [k, byClass.map((v) => (v.filter((x) => String(x) === k).length + 1) / (v.length + categories.length)) as [number, number]]),
    ),
  }
}

function parse(artifact: ModelArtifact): Artifact {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(artifact.files[FILE])) as Artifact
    if (parsed.format !== 'naive-bayes-v1') throw new Error('format')
    return parsed
  } catch (cause) {
    throw new NexoraError('model.load_failed', { detail: `${FILE} is not a naive-bayes-v1 artifact`, cause })
  }
}

export const naiveBayesPlugin: ModelPlugin = {
  kind: 'naive-bayes',
  async train(dataset: Dataset, options: TrainOptions): Promise<ModelArtifact> {
    const positives = dataset.labels.filter((y) => y === 1).length
    if (positives === 0 || positives === dataset.labels.length) throw new NexoraError('model.train_failed', { detail: 'both classes are needed' })
    const artifact: Artifact = {
      format: 'naive-bayes-v1',
      priorLogOdds: Math.log(positives / (dataset.labels.length - positives)),
      terms: Object.fromEntries(options.inputs.map((def) => [def.name, fitTerm(def, dataset.rows, dataset.labels)])),
    }
    return {
      manifest: {
        name: options.name,
        version: options.version,
        kind: 'naive-bayes',
        inputs: options.inputs,
        outputs: [{ name: 'risk', type: 'probability' }],
        explanationMethod: 'naive Bayes log-likelihood ratios (exact, logit scale)',
      },
      files: { [FILE]: new TextEncoder().encode(JSON.stringify(artifact)) },
    }
  },
  async load(artifactFiles) {
    const a = parse(artifactFiles)
    const contributions = (row: Row): Contribution[] =>
      Object.entries(a.terms).map(([feature, term]) => ({ feature, value: row.features[feature] ?? null, contribution: llr(term, row.features[feature]) }))
    const score = (row: Row) => 1 / (1 + Math.exp(-(a.priorLogOdds + contributions(row).reduce((s, c) => s + c.contribution, 0))))
    return {
      describe: () => ({
        inputs: artifactFiles.manifest.inputs,
        outputs: artifactFiles.manifest.outputs,
        explanationMethod: 'naive Bayes log-likelihood ratios (exact, logit scale)',
        additivity: 'logit',
        baseline: a.priorLogOdds,
      }),
      predict: async (rows) => rows.map((r) => ({ score: score(r) })),
      explain: async (rows) => rows.map(contributions),
      evaluate: async (d) => classifierMetrics(d.labels, d.rows.map(score)),
    }
  },
}

/** @example await createNexora({ plugins: [sqlStorage(), naiveBayes()] }) */
export const naiveBayes = () => definePlugin({ name: 'model-naive-bayes', provides: 'model', setup: () => naiveBayesPlugin })
