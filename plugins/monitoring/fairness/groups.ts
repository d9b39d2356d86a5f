/** Turning one or several sensitive attributes into per-row group keys (with intersections). */

export const MISSING = '(missing)'

/** null, undefined, NaN and '' are all "not recorded": they form one explicit group, never dropped. */
export function groupValue(v: unknown): string {
  if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) return MISSING
  return String(v)
}

/**
 * Per-row group labels for the intersection of all given attributes, in the order given.
 * @example groupRows({ sex: ['F', 'M'], age: ['<65', null] }) // [{sex:'F',age:'<65'}, {sex:'M',age:'(missing)'}]
 */
export function groupRows(sensitive: Record<string, ArrayLike<unknown>>, n: number): Record<string, string>[] {
  const names = Object.keys(sensitive)
  if (names.length === 0) throw new RangeError('at least one sensitive attribute is needed')
  for (const name of names)
    if (sensitive[name]!.length !== n) throw new RangeError(`sensitive attribute ${name} has ${sensitive[name]!.length} rows, expected ${n}`)
  return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((name) => [name, groupValue(sensitive[name]![i])])))
}

/** A stable string key for a group, e.g. `sex=F & age=<65`. */
export const groupKey = (g: Record<string, string>) =>
  Object.entries(g)
    .map(([k, v]) => `${k}=${v}`)
    .join(' & ')
