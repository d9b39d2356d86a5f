/**
 * The comorbidity hierarchy: where a milder and a more severe form of the same disease are both
 * coded (diabetes without and with complications, say), only the severe form counts, so one
 * disease is never scored twice. Quan et al. describe the Charlson pairs as mutually exclusive,
 * and the R `comorbidity` package (`assign0`) and `icd` package (`hierarchy`) do the same.
 */

/**
 * Flags for every condition from the set found, with each milder form cleared when its severe
 * form is present (if `hierarchy` is on).
 *
 * @example
 * applyHierarchy(['diab', 'diabwc'], new Set(['diab', 'diabwc']), [['diab', 'diabwc']], true)
 * // { diab: false, diabwc: true }
 */
export function applyHierarchy<K extends string>(
  conditions: readonly K[],
  found: ReadonlySet<K>,
  pairs: readonly (readonly [milder: K, severe: K])[],
  hierarchy: boolean,
): Record<K, boolean> {
  const flags = Object.fromEntries(conditions.map((c) => [c, found.has(c)])) as Record<K, boolean>
  if (hierarchy) for (const [milder, severe] of pairs) if (flags[severe]) flags[milder] = false
  return flags
}

/**
 * The sum of the weights of the conditions flagged.
 *
 * @example
 * weightedSum({ chf: true, ami: false }, { chf: 1, ami: 1 }) // 1
 */
export function weightedSum<K extends string>(flags: Readonly<Record<K, boolean>>, weights: Readonly<Record<K, number>>): number {
  let total = 0
  for (const key of Object.keys(flags) as K[]) if (flags[key]) total += weights[key]
  return total
}
