import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import type { ModelArtifact, ModelManifest, Row } from '../core/index.ts'
import type { CohortRow } from '../models/readmission-risk/cohort.ts'

const here = (path: string) => new URL(path, import.meta.url)

/** models/readmission-onnx as committed: its manifest and the files the manifest lists. */
export function shippedOnnxArtifact(): ModelArtifact {
  const manifest = JSON.parse(readFileSync(here('../models/readmission-onnx/manifest.json'), 'utf8')) as ModelManifest
  const files = Object.fromEntries(Object.keys(manifest.files ?? {}).map((f) => [f, new Uint8Array(readFileSync(here(`../models/readmission-onnx/${f}`)))]))
  return { manifest, files }
}

/** The synthetic cohort the model was trained on (rows 1–3200) and held out on (3201–4000). */
export function cohort(): { rows: Row[]; labels: number[] } {
  const data = Papa.parse<CohortRow>(readFileSync(here('../models/readmission-risk/cohort.csv'), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data
  return { rows: data.map(({ readmitted_30d: _y, ...features }) => ({ features })), labels: data.map((r) => r.readmitted_30d) }
}

export interface ParityFixture {
  rows: Row['features'][]
  logit: number[]
  probability: number[]
}

/** PyTorch's outputs for 20 held-out rows, written by models/readmission-onnx/train.py. */
export const parityFixture = (): ParityFixture => JSON.parse(readFileSync(here('../test/fixtures/onnx/readmission-parity.json'), 'utf8')) as ParityFixture
