import type { PhiSpan, PhiType } from '../phi/index.ts'
import { normalizeSpans, resolveDetect } from './detector.ts'
import { KeyedHmac, withDigests, type Keyed } from './keyed.ts'
import { applyOperator, operatorFor } from './operators.ts'
import type { Operator, DeidCounts, DeidOptions, DeidSpan, DeidTextOptions, DeidTextResult } from './types.ts'

/**
 * Rewrite `text` given its spans, sorted and non-overlapping (see `normalizeSpans`): synchronous, so the same pass records the HMAC
 * labels it needs and later applies them. Pieces are joined in order, equivalent to replacing
 * right-to-left on the original offsets, in one linear pass.
 */
export function rewriteText(
  text: string,
  spans: readonly PhiSpan[],
  keyed: Keyed,
  options: Pick<DeidOptions, 'operators' | 'maxShiftDays'> & { patientId?: string },
  counts?: DeidCounts,
): { text: string; spans: DeidSpan[] } {
  const ctx = { keyed, patientId: options.patientId, maxShiftDays: options.maxShiftDays }
  const pieces: string[] = []
  const out: DeidSpan[] = []
  let at = 0
  let length = 0
  // Notes repeat the same names and dates; one replacement per (type, value) for this call.
  const memo = new Map<string, string>()
  const operators = new Map<PhiType, Operator>()
  for (const span of spans) {
    let operator = operators.get(span.type)
    if (!operator) operators.set(span.type, (operator = operatorFor(span.type, options.operators)))
    const value = text.slice(span.start, span.end)
    const memoKey = `${span.type}\0${value}`
    let replacement = memo.get(memoKey)
    if (replacement === undefined) memo.set(memoKey, (replacement = applyOperator(operator, span.type, value, ctx)))
    const before = text.slice(at, span.start)
    pieces.push(before, replacement)
    length += before.length
    out.push({ start: length, end: length + replacement.length, type: span.type, operator: operator.op })
    length += replacement.length
    at = span.end
    if (counts) counts[span.type] = (counts[span.type] ?? 0) + 1
  }
  pieces.push(text.slice(at))
  return { text: pieces.join(''), spans: out }
}

/**
 * De-identify free text: detect, then apply each type's operator. Surrogates and the date shift
 * derive from `key` (and `patientId`), so the same name gets the same surrogate in every note
 * and in the patient's FHIR resources.
 * @example
 * const { text, counts } = await deidentifyText('Seen John Smith on 03/14/2021.', { key, patientId: 'p1' })
 * // text: 'Seen Keller Avery on 07/02/2021.' (surrogates vary with the key); counts: { NAME: 1, DATE: 1 }
 */
export async function deidentifyText(text: string, options: DeidTextOptions): Promise<DeidTextResult> {
  const detect = resolveDetect(options)
  const keys = await KeyedHmac.create(options.key, options.hmac)
  const spans = normalizeSpans(detect(text), text.length)
  const counts: DeidCounts = {}
  const result = await withDigests(keys, (keyed, final) => rewriteText(text, spans, keyed, options, final ? counts : undefined))
  return { ...result, counts }
}
