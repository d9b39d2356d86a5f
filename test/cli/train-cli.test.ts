import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-train-'))
const db = `file:${join(dir, 'train.db')}`
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const nexora = cliRunner({ append: ['--db', db] })

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
    expect(result.metrics.auroc).toBeGreaterThan(0.6)
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
    expect(JSON.parse(out.stdout)).toMatchObject({ name: 'cli-cox', kind: 'cox', rows: 227 })
  })

  it('refuses an unknown model type, a missing target column and a non-binary target', async () => {
    const data = join(dir, 'cohort.csv')
    expect((await nexora('train', '--model-type', 'forest', '--data', data, '--target', 'readmitted_30d')).code).toBe(2)
    expect((await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'nope')).code).toBe(2)
    expect((await nexora('train', '--model-type', 'linear', '--data', data, '--target', 'age')).code).toBe(2)
  })
})
