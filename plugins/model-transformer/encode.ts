import type { ClinicalEvent, Row } from '../../core/index.ts'
import type { TransformerConfig } from './config.ts'
import { CLS_ID, PAD_ID, tokenizer } from './vocabulary.ts'

const DAY = 86_400_000
/** Upper edges (days before the index) of the time-delta buckets; older events share the last bucket. */
export const DELTA_EDGES = [1, 7, 30, 90, 180, 365, 730]
export const TIME_BUCKETS = DELTA_EDGES.length + 1

/** Plain (non-sequence) inputs, standardised with the training mean and scale. */
export interface FeatureScaler {
  names: string[]
  mean: number[]
  scale: number[]
}

/** Rows as padded integer/float arrays, row-major `[size, length]`, ready for tensors. */
export interface EncodedBatch {
  size: number
  length: number
  codes: Int32Array
  times: Int32Array
  segments: Int32Array
  /** 1 where attention and pooling may look, 0 on padding. */
  mask: Float32Array
  /** 1 where the slot carries an embedding; 0 on padding and on the empty-sequence placeholder. */
  present: Float32Array
  /** `[size, features]` standardised plain inputs. */
  features: Float32Array
  /** The events kept for each row (after truncation), and the slot of the first one. */
  events: ClinicalEvent[][]
  offset: number
}

/**
 * Oldest-first events, truncated to the most recent `keep` (the ETL's rule), so old history is
 * what a long record loses. A stable sort keeps same-time events in their given order.
 * @example
 * recentEvents(seq, 2) // the two latest events, oldest first
 */
export function recentEvents(sequence: ClinicalEvent[] | undefined, keep: number): ClinicalEvent[] {
  const sorted = (sequence ?? []).map((e, i) => ({ e, i, t: Date.parse(e.time) }))
  sorted.sort((a, b) => a.t - b.t || a.i - b.i)
  return keep <= 0 ? [] : sorted.slice(-keep).map((s) => s.e)
}

/** Days before the index: the ETL's `deltaDays` when present, else before the row's latest event. */
function deltaDays(event: ClinicalEvent, latest: number): number {
  const given = (event as { deltaDays?: unknown }).deltaDays
  return typeof given === 'number' ? given : Math.max(0, (latest - Date.parse(event.time)) / DAY)
}

export function timeBucket(days: number): number {
  const i = DELTA_EDGES.findIndex((edge) => days < edge)
  return i < 0 ? DELTA_EDGES.length : i
}

/**
 * Encode rows for the network. Each row is padded to `length` (default `maxLength`: a fixed
 * shape makes a row score the same alone or in any batch). Segments alternate 0/1 at each new
 * calendar day (a visit), as BEHRT alternates them by visit.
 *
 * @example
 * const batch = encodeRows(rows, vocabulary, scaler, config)
 */
export function encodeRows(rows: Row[], vocabulary: string[], scaler: FeatureScaler, config: TransformerConfig, length = config.maxLength): EncodedBatch {
  const id = tokenizer(vocabulary)
  const offset = config.pooling === 'cls' ? 1 : 0
  const size = rows.length
  const batch: EncodedBatch = {
    size,
    length,
    offset,
    codes: new Int32Array(size * length),
    times: new Int32Array(size * length),
    segments: new Int32Array(size * length),
    mask: new Float32Array(size * length),
    present: new Float32Array(size * length),
    features: new Float32Array(size * scaler.names.length),
    events: [],
  }
  rows.forEach((row, r) => {
    const events = recentEvents(row.sequence, Math.min(config.maxLength, length) - offset)
    batch.events.push(events)
    const base = r * length
    const latest = events.length ? Date.parse(events[events.length - 1]!.time) : 0
    if (offset) set(batch, base, CLS_ID, 0, 0, 1)
    let segment = 0
    let day = ''
    events.forEach((e, i) => {
      const today = e.time.slice(0, 10)
      if (day && today !== day) segment = 1 - segment
      day = today
      set(batch, base + offset + i, id(e.code), timeBucket(deltaDays(e, latest)), segment, 1)
    })
    // An empty sequence still needs one attended slot; it carries no embedding, so it scores the baseline.
    if (!offset && events.length === 0) set(batch, base, PAD_ID, 0, 0, 0, 1)
    scaler.names.forEach((name, j) => {
      const v = row.features[name]
      const x = typeof v === 'boolean' ? Number(v) : typeof v === 'number' && Number.isFinite(v) ? v : scaler.mean[j]!
      batch.features[r * scaler.names.length + j] = (x - scaler.mean[j]!) / scaler.scale[j]!
    })
  })
  return batch
}

function set(b: EncodedBatch, at: number, code: number, time: number, segment: number, present: number, mask = 1) {
  b.codes[at] = code
  b.times[at] = time
  b.segments[at] = segment
  b.present[at] = present
  b.mask[at] = mask
}

/**
 * Mean and scale of each plain input over the training rows (booleans as 0/1; scale 1 when constant).
 * @example
 * fitScaler(rows, ['age'])
 */
export function fitScaler(rows: Row[], names: string[]): FeatureScaler {
  const mean: number[] = []
  const scale: number[] = []
  for (const name of names) {
    const xs = rows
      .map((r) => r.features[name])
      .filter((v): v is number | boolean => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
      .map(Number)
    const m = xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0
    const sd = xs.length ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length) : 0
    mean.push(m)
    scale.push(sd > 1e-12 ? sd : 1)
  }
  return { names, mean, scale }
}
