/**
 * Section ranges, compared the way the CDC writes them.
 *
 * A range such as `I10-I1A` names its first and last category, but ICD-10-CM has two orders and
 * its ranges use both. Categories with a letter in third place were inserted into existing
 * blocks over the years: the CDC kept `C43-C44` when it put C4A (Merkel cell carcinoma) between
 * C43 and C44 in the tabular list, and kept `M05-M14` and `Z30-Z39` for M1A and Z3A likewise,
 * so those ranges hold by *tabular position*; but it relabelled `J40-J47` to `J40-J4A` while
 * putting J4A after J44, so that range holds by *code order* (J45 and J47 lie between J40 and
 * J4A character by character, not by position). No single character order gets all of these
 * right (C4A needs A between 3 and 4; I10-I1A needs A after 6), so:
 *
 * - a category lies in a range when it lies between the ends by tabular position **or** by
 *   code-unit order (digits before letters, as in ASCII); an end that is not a category (U00
 *   and U49 are reserved) can only be compared by code order;
 * - it belongs to the narrowest such range (the file also holds block headings, such as C00-C96,
 *   that contain finer sections); on a tie the later range wins, as headings precede sections.
 *
 * The build checks this against the CDC's own section column for all categories, and fails if
 * a new release breaks it. Pure data in, data out.
 */

/**
 * The two ends of a section range; a single-category section (`B20`) is its own range.
 *
 * @example
 * rangeEnds('I10-I1A') // ['I10', 'I1A']
 * rangeEnds('C7A')     // ['C7A', 'C7A']
 */
export function rangeEnds(range: string): [start: string, end: string] {
  const [start = '', end = start] = range.split('-')
  return [start, end]
}

/**
 * For each category (given in CDC tabular order), the index into `ranges` of the narrowest
 * section range that contains it, or -1 where none does.
 *
 * @example
 * assignSections(['C43', 'C4A', 'C44', 'C45'], ['C43-C44', 'C45-C49']) // [0, 0, 0, 1]
 * assignSections(['J40', 'J44', 'J4A', 'J45'], ['J40-J4A'])            // [0, 0, 0, 0]
 */
export function assignSections(categories: readonly string[], ranges: readonly string[]): number[] {
  const position = new Map(categories.map((code, i) => [code, i]))
  const members = ranges.map((range) => {
    const [start, end] = rangeEnds(range)
    const from = position.get(start) ?? Infinity
    const to = position.get(end) ?? -Infinity
    const inside: number[] = []
    categories.forEach((code, i) => {
      if ((from <= i && i <= to) || (start <= code && code <= end)) inside.push(i)
    })
    return inside
  })
  const assigned = new Array<number>(categories.length).fill(-1)
  const width = (r: number) => (r < 0 ? Infinity : members[r]!.length)
  members.forEach((list, r) => {
    for (const i of list) if (list.length <= width(assigned[i]!)) assigned[i] = r
  })
  return assigned
}
