import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { hashFiles, NexoraError, type ClinicalEvent, type ModelManifest, type LoadedModel, type ModelArtifact, type Row } from '../../core/index.ts'
import { generateSequenceCohort, INPUTS } from '../../models/mortality-transformer/cohort.ts'
import { decodeArtifact } from '../../plugins/model-transformer/artifact.ts'
import { logitsOf } from '../../plugins/model-transformer/forward.ts'
import {
  buildVocabulary,
  encodeRows,
  loadTf,
  recentEvents,
  resolveConfig,
  timeBucket,
  transformerModelPlugin,
  PAD,
  UNK,
  CLS,
} from '../../plugins/model-transformer/index.ts'

const event = (code: string, day: number): ClinicalEvent => ({ code, time: new Date(Date.UTC(2025, 0, 1 + day, 8)).toISOString() })
const options = {
  name: 't',
  version: '1.0.0',
  inputs: INPUTS,
  seed: 5,
  dim: 8,
  heads: 2,
  layers: 1,
  ffDim: 16,
  maxLength: 16,
  epochs: 1,
  batchSize: 32,
  minCount: 2,
  igSteps: 32,
}

describe('vocabulary', () => {
  it('reserves [PAD], [UNK], [CLS], keeps codes seen minCount times, most frequent first', () => {
    const v = buildVocabulary([[event('B', 0), event('A', 1), event('B', 2)], [event('A', 0), event('B', 1), event('C', 2)], undefined], 2)
    expect(v).toEqual([PAD, UNK, CLS, 'B', 'A'])
  })
})

describe('sequence encoding', () => {
  it('truncation keeps the most recent events, oldest first', () => {
    const seq = [5, 1, 3, 2, 4].map((d) => event(`E${d}`, d))
    expect(recentEvents(seq, 3).map((e) => e.code)).toEqual(['E3', 'E4', 'E5'])
  })

  it('buckets time deltas and alternates segments by day', () => {
    expect([0, 3, 10, 60, 100, 200, 400, 1000].map(timeBucket)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const config = resolveConfig({ maxLength: 4 })
    const b = encodeRows(
      [{ features: {}, sequence: [event('A', 0), event('B', 0), event('C', 1), event('D', 9)] }],
      [PAD, UNK, CLS, 'A', 'B'],
      { names: [], mean: [], scale: [] },
      config,
    )
    expect([...b.codes]).toEqual([3, 4, 1, 1])
    expect([...b.segments]).toEqual([0, 0, 1, 0])
    expect([...b.times]).toEqual([2, 2, 2, 0])
  })
})

describe('transformer model', () => {
  let artifact: ModelArtifact
  let model: LoadedModel
  let rows: Row[]
  beforeAll(async () => {
    const cohort = generateSequenceCohort(120, 2)
    rows = cohort.map((p) => p.row)
    artifact = await transformerModelPlugin.train!({ rows, labels: cohort.map((p) => p.label) }, options)
    model = await transformerModelPlugin.load(artifact)
  }, 120_000)

  it('padding does not change the output: the same rows padded short, long, or with garbage in the padding', async () => {
    const tf = await loadTf()
    const { artifact: meta, weights } = decodeArtifact(artifact.files)
    const w = Object.fromEntries(weights.map((x) => [x.name, tf.tensor(x.values, x.shape, 'float32')]))
    const short = rows.filter((r) => r.sequence!.length <= 6).slice(0, 4)
    const tight = encodeRows(short, meta.vocabulary, meta.scaler, meta.config, 6)
    const padded = encodeRows(short, meta.vocabulary, meta.scaler, meta.config)
    // Garbage embeddings in the padding slots: only the attention/pooling mask keeps them out.
    const noisy = {
      ...padded,
      codes: padded.codes.map((c, i) => (padded.mask[i] ? c : 3 + (i % 5))),
      present: padded.present.map((p, i) => (padded.mask[i] ? p : 1)),
    }
    const [a, b, c] = (await Promise.all([tight, padded, noisy].map((batch) => logitsOf(tf, w, meta.config, batch, meta.scaler.names.length)))) as [
      number[],
      number[],
      number[],
    ]
    a.forEach((z, i) => {
      expect(Math.abs(z - b[i]!)).toBeLessThan(1e-5)
      expect(Math.abs(z - c[i]!)).toBeLessThan(1e-5)
    })
    Object.values(w).forEach((t) => t.dispose())
  })

  it('scores a long sequence as its most recent maxLength events', async () => {
    const long = rows.find((r) => r.sequence!.length > options.maxLength)!
    const recent = { ...long, sequence: recentEvents(long.sequence, options.maxLength) }
    const [[p], [q]] = [await model.predict([long]), await model.predict([recent])]
    expect(p!.score).toBe(q!.score)
  })

  it('maps unseen codes to [UNK] and scores an empty sequence', async () => {
    const base = rows[0]!
    const [a, b, empty] = await model.predict([
      { ...base, sequence: [...base.sequence!, event('NEVER:SEEN', 400)] },
      { ...base, sequence: [...base.sequence!, event('ALSO:NEW', 400)] },
      { features: { age: 70 }, sequence: [] },
    ])
    expect(a!.score).toBe(b!.score)
    expect(Number.isFinite(empty!.score)).toBe(true)
  })

  it('explains each kept event by name, and an empty sequence has only its plain inputs', async () => {
    const [first, empty] = await model.explain([rows[0]!, { features: { age: 70 }, sequence: [] }])
    expect(first!.filter((c) => c.feature.startsWith('event[')).length).toBe(Math.min(rows[0]!.sequence!.length, options.maxLength))
    expect(first![0]!.feature).toMatch(/^event\[0\]:/)
    expect(empty!.map((c) => c.feature)).toEqual(['age'])
  })

  it('throws model.load_failed on malformed artifacts', async () => {
    const code = (files: Record<string, Uint8Array>) =>
      transformerModelPlugin.load({ ...artifact, files }).then(
        () => 'ok',
        (e: NexoraError) => e instanceof NexoraError && e.code,
      )
    expect(await code({ 'model.json': new TextEncoder().encode('{ nope'), 'weights.bin': artifact.files['weights.bin']! })).toBe('model.load_failed')
    expect(await code({ ...artifact.files, 'weights.bin': artifact.files['weights.bin']!.slice(4) })).toBe('model.load_failed')
    expect(await code({ 'model.json': artifact.files['model.json']! })).toBe('model.load_failed')
  })

  it('supports CLS pooling', async () => {
    const cohort = generateSequenceCohort(60, 4)
    const a = await transformerModelPlugin.train!({ rows: cohort.map((p) => p.row), labels: cohort.map((p) => p.label) }, { ...options, pooling: 'cls' })
    const m = await transformerModelPlugin.load(a)
    const [p] = await m.predict([cohort[0]!.row])
    const [e] = await m.explain([cohort[0]!.row])
    expect(e![0]!.feature).toBe('cls')
    const logit = Math.log(p!.score / (1 - p!.score))
    expect(Math.abs(e!.reduce((s, c) => s + c.contribution, 0) - (logit - m.describe().baseline!))).toBeLessThan(5e-3)
  }, 60_000)
})

describe('shipped mortality-transformer', () => {
  it('matches its manifest hashes, loads, and scores the held-out cohort as its card says', async () => {
    const dir = new URL('../../models/mortality-transformer/', import.meta.url)
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as ModelManifest
    const files = Object.fromEntries(Object.keys(manifest.files!).map((f) => [f, new Uint8Array(readFileSync(new URL(f, dir)))]))
    expect(await hashFiles(files)).toEqual(manifest.files)
    expect(manifest).toMatchObject({
      name: 'mortality-transformer',
      version: '1.0.0',
      kind: 'transformer',
      outputs: [{ name: 'probability', type: 'probability' }],
    })
    const model = await transformerModelPlugin.load({ manifest, files })
    const test = generateSequenceCohort(5000, 20261126).slice(4000)
    const metrics = await model.evaluate({ rows: test.map((p) => p.row), labels: test.map((p) => p.label) })
    expect(metrics.auroc).toBeCloseTo(manifest.metrics!.heldout_auroc!, 4)
  }, 60_000)
})
