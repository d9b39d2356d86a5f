import type { PhiType } from '../phi/index.ts'
import { shiftDate, shiftDays, dateToYear } from './dates.ts'
import { generalizeAge, zip3 } from './generalize.ts'
import type { Keyed } from './keyed.ts'
import { surrogateEmail, surrogateId, surrogateIp, surrogateName, surrogatePlace, surrogateUrl } from './surrogates.ts'
import type { Operator, OperatorName, OperatorSpec } from './types.ts'

/**
 * Safe Harbor defaults: names and ids get stable surrogates (so records still link), dates shift
 * per patient (so intervals survive), ages and ZIPs generalise, and places below the state are
 * replaced by a tag (a surrogate town would read as real geography).
 */
export const DEFAULT_OPERATORS: Record<PhiType, OperatorName> = {
  NAME: 'pseudonymize',
  ADDRESS: 'replace',
  CITY: 'replace',
  ZIP: 'generalize',
  LOCATION: 'replace',
  DATE: 'dateShift',
  AGE: 'generalize',
  PHONE: 'pseudonymize',
  FAX: 'pseudonymize',
  EMAIL: 'pseudonymize',
  SSN: 'pseudonymize',
  MRN: 'pseudonymize',
  HEALTH_PLAN_ID: 'pseudonymize',
  ACCOUNT: 'pseudonymize',
  LICENSE: 'pseudonymize',
  VEHICLE_ID: 'pseudonymize',
  DEVICE_ID: 'pseudonymize',
  URL: 'pseudonymize',
  IP: 'pseudonymize',
  BIOMETRIC_ID: 'replace',
  ID: 'pseudonymize',
}

export const normalizeOperator = (spec: OperatorSpec): Operator => (typeof spec === 'string' ? ({ op: spec } as Operator) : spec)

/** The operator for a type: the caller's, else the default. */
export function operatorFor(type: PhiType, operators: Partial<Record<PhiType, OperatorSpec>> | undefined): Operator {
  return normalizeOperator(operators?.[type] ?? DEFAULT_OPERATORS[type])
}

export interface OperatorContext {
  keyed: Keyed
  patientId?: string
  maxShiftDays?: number
}

const tag = (type: PhiType) => `[${type}]`

/** Mask every code point but the last `keepLast` (code points, so a non-BMP character is never split). */
export function mask(value: string, char = '*', keepLast = 0): string {
  const points = Array.from(value)
  const keep = Math.max(0, Math.min(keepLast, points.length))
  return char.repeat(points.length - keep) + points.slice(points.length - keep).join('')
}

/** A surrogate for a value of this type; types with no natural surrogate fall back to their tag. */
export function pseudonymize(type: PhiType, value: string, ctx: OperatorContext): string {
  switch (type) {
    case 'NAME':
      return surrogateName(ctx.keyed, value)
    case 'EMAIL':
      return surrogateEmail(ctx.keyed, value)
    case 'URL':
      return surrogateUrl(ctx.keyed, value)
    case 'IP':
      return surrogateIp(ctx.keyed, value)
    case 'ADDRESS':
    case 'CITY':
    case 'LOCATION':
      return surrogatePlace(ctx.keyed, value, type)
    case 'DATE':
      return dateShiftValue(value, ctx)
    case 'AGE':
      return generalizeAge(value)
    case 'ZIP':
      return zip3(value) ?? tag(type)
    case 'BIOMETRIC_ID':
      return tag(type)
    default:
      return surrogateId(ctx.keyed, value, type)
  }
}

function dateShiftValue(value: string, ctx: OperatorContext): string {
  return shiftDate(value, shiftDays(ctx.keyed, ctx.patientId, ctx.maxShiftDays)) ?? tag('DATE')
}

/** Generalise where Safe Harbor defines how (date → year, age > 89, ZIP3); elsewhere replace. */
export function generalize(type: PhiType, value: string): string {
  if (type === 'DATE') return dateToYear(value) ?? tag(type)
  if (type === 'AGE') return generalizeAge(value)
  if (type === 'ZIP') return zip3(value) ?? tag(type)
  return tag(type)
}

/**
 * Apply one operator to one identifier's text.
 * @example
 * applyOperator({ op: 'mask', keepLast: 4 }, 'SSN', '123-45-6789', ctx) // '*******6789'
 */
export function applyOperator(operator: Operator, type: PhiType, value: string, ctx: OperatorContext): string {
  switch (operator.op) {
    case 'redact':
      return ''
    case 'replace':
      return operator.tag ?? tag(type)
    case 'mask':
      return mask(value, operator.char, operator.keepLast)
    case 'pseudonymize':
      return pseudonymize(type, value, ctx)
    // A date shift on a non-date would be meaningless; give it the type's surrogate instead.
    case 'dateShift':
      return type === 'DATE' ? dateShiftValue(value, ctx) : pseudonymize(type, value, ctx)
    case 'generalize':
      return generalize(type, value)
  }
}
