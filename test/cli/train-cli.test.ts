import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UsageError } from '../../bin/args.ts'
import { openNexora } from '../../bin/commands/open.ts'
import { trainCommand } from '../../bin/commands/train.ts'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-train-'))
const db = `file:${join(dir, 'train.db')}`
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const nexora = cliRunner({ append: ['--db', db] })
/** The manifest as the registry stored it. */
const stored = async (name: string, version: string) => {
  const registry = await openNexora(db, { models: false })
  try {
    return (await registry.registry.getVersion(name, version)).manifest
  } finally {
    await registry.close()
  }
}

describe('nexora train', () => {
  it('trains a linear model from CSV, reports progress as plain lines without a TTY, and registers it', { timeout: 120_000 }, async () => {
    const csv = readFileSync(new URL('../../models/readmission-risk/cohort.csv', import.meta.url), 'utf8')
      .split('\n')
      .slice(0, 401)
      .join('\n')
    const data = join(dir, 'cohort.csv')
    writeFileSync(data, csv)
    const out = await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'readmitted_30d', '--name', 'cli-linear')
    expect(out.code).toBe(0)
    expect(out.stderr).toMatch(/^epoch 1\/100 loss \d+\.\d{5}$/m)
    const result = JSON.parse(out.stdout)
    expect(result).toMatchObject({ name: 'cli-linear', version: '1.0.0', kind: 'linear', rows: 400 })
    // By default a seeded stratified 20% hold-out: scored on 80 rows it never trained on, in-sample kept apart.
    const positives = csv
      .split('\n')
      .slice(1)
      .filter((l) => l.trimEnd().endsWith(',1')).length
    expect(result.split).toMatchObject({ method: 'stratified-holdout', fraction: 0.2, seed: 1, stratifiedOn: 'label', trainRows: 320, testRows: 80 })
    expect(result.split.trainPositives + result.split.testPositives).toBe(positives)
    expect(result.split.testPositives).toBe(Math.round(positives * 0.2))
    expect(result.heldout.n).toBe(80)
    expect(result.insample.n).toBe(320)
    expect(result.heldout.auroc).toBeGreaterThan(0.6)
    expect(result.heldout.auroc).not.toBe(result.insample.auroc)
    expect(result.metrics).toBeUndefined()
    const manifest = await stored('cli-linear', '1.0.0')
    expect(manifest.training).toMatchObject({ rows: 320, split: result.split })
    expect(manifest.metrics).toMatchObject({ heldout_auroc: result.heldout.auroc, heldout_n: 80, insample_auroc: result.insample.auroc, insample_n: 320 })
    // Every figure says where it was measured.
    expect(Object.keys(manifest.metrics!).filter((k) => !/^(heldout|insample)_/.test(k))).toEqual([])
    const again = JSON.parse((await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'readmitted_30d', '--name', 'cli-linear')).stdout)
    expect(again.version).toBe('1.1.0')
    const list = JSON.parse((await nexora('models', 'list')).stdout)
    expect(list.models.find((m: { name: string }) => m.name === 'cli-linear').versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0', '1.1.0'])
  })

  it('trains a Cox model with --time', { timeout: 120_000 }, async () => {
    const out = await nexora(
      'train',
      '--model-type',
      'cox',
      '--data',
      new URL('../fixtures/survival/lung.csv', import.meta.url).pathname,
      '--target',
      'status',
      '--time',
      'time',
      '--name',
      'cli-cox',
    )
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout)
    expect(result).toMatchObject({ name: 'cli-cox', kind: 'cox', rows: 227 })
    // Survival stratifies on the event indicator (165 events in lung.csv) and keeps its own metric names, tagged the same way.
    expect(result.split).toMatchObject({ method: 'stratified-holdout', stratifiedOn: 'event', trainRows: 181, testRows: 46, testPositives: 33 })
    expect(result.heldout).toMatchObject({ n: 46 })
    expect(result.heldout.cIndex).toBeGreaterThan(0.5)
    expect(Object.keys(result.insample).sort()).toEqual(['cIndex', 'logLikelihood', 'meanPredictedRisk', 'n', 'observedRisk'])
  })

  it('cross-validates with --cv K: fold means and spread, then the registered model trains on every row', { timeout: 120_000 }, async () => {
    const data = join(dir, 'cohort.csv')
    const out = await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'readmitted_30d', '--name', 'cli-cv', '--cv', '4', '--seed', '9')
    expect(out.code).toBe(0)
    expect(out.stderr.match(/^training fold \d\/4$/gm)).toHaveLength(4)
    expect(out.stderr).toMatch(/^training final model, all rows$/m)
    const result = JSON.parse(out.stdout)
    expect(result.split).toMatchObject({ method: 'kfold', folds: 4, seed: 9, stratifiedOn: 'label' })
    expect(result.split.perFold.map((f: { testRows: number }) => f.testRows)).toEqual([100, 100, 100, 100])
    const folds = result.split.perFold.map((f: { heldout: { auroc: number } }) => f.heldout.auroc) as number[]
    const mean = folds.reduce((s, v) => s + v, 0) / 4
    expect(result.heldout.auroc).toBeCloseTo(mean, 12)
    expect(result.heldout.auroc_sd).toBeCloseTo(Math.sqrt(folds.reduce((s, v) => s + (v - mean) ** 2, 0) / 4), 12)
    expect(result.heldout.auroc_sd).toBeGreaterThan(0)
    expect(result.heldout.n).toBe(400)
    expect(result.insample.n).toBe(400)
    const manifest = await stored('cli-cv', '1.0.0')
    expect(manifest.training).toMatchObject({ rows: 400, split: { method: 'kfold', finalModel: expect.stringMatching(/^all 400 rows/) } })
    expect(manifest.metrics).toMatchObject({ heldout_auroc_sd: result.heldout.auroc_sd })
  })

  it('opts out with --holdout 0: in-sample figures only, labelled so', { timeout: 120_000 }, async () => {
    const data = join(dir, 'cohort.csv')
    const result = JSON.parse(
      (await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'readmitted_30d', '--name', 'cli-all', '--holdout', '0')).stdout,
    )
    expect(result.split).toMatchObject({ method: 'none', trainRows: 400 })
    expect(result.heldout).toBeNull()
    expect(result.insample.n).toBe(400)
    const metrics = (await stored('cli-all', '1.0.0')).metrics!
    expect(Object.keys(metrics).length).toBeGreaterThan(0)
    expect(Object.keys(metrics).every((k) => k.startsWith('insample_'))).toBe(true)
  })

  it('refuses an unknown model type, a missing target column and a non-binary target', async () => {
    const data = join(dir, 'cohort.csv')
    expect((await nexora('train', '--model-type', 'forest', '--data', data, '--target', 'readmitted_30d')).code).toBe(2)
    expect((await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'nope')).code).toBe(2)
    expect((await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'age')).code).toBe(2)
  })

  it('refuses a bad split with a usage error naming the flag', async () => {
    const data = join(dir, 'cohort.csv')
    // In-process: the usage errors need no child process each (the CLI maps UsageError to exit code 2).
    const io = { out: () => {}, err: () => {} }
    const train = (...flags: string[]) => trainCommand.run(['--model-type', 'linear', '--data', data, '--target', 'readmitted_30d', '--db', db, ...flags], io)
    for (const [flags, message] of [
      [['--holdout', '1'], /--holdout must be in \[0, 1\)/],
      [['--holdout', 'x'], /--holdout must be/],
      [['--cv', '1'], /--cv must be an integer ≥ 2/],
      [['--cv', '5', '--holdout', '0.2'], /alternatives/],
      [['--seed', '-1'], /--seed/],
      // 400 rows, 116 positives: 200 folds would leave most of them without a positive.
      [['--cv', '200'], /--cv 200: a class has fewer rows than the 200 folds/],
    ] as const) {
      const error = await train(...flags).catch((e: unknown) => e)
      expect(error, flags.join(' ')).toBeInstanceOf(UsageError)
      expect((error as Error).message, flags.join(' ')).toMatch(message)
    }
  })
})
