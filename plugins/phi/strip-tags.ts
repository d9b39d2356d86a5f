/**
 * Blanks XHTML tags (and `<!-- -->` comments) with spaces of the same length, so detector offsets
 * on the result are valid offsets into the original `div`. Block tags become a newline + spaces so
 * text in adjacent cells does not read as one name.
 * @example
 * stripTags('<p>John</p>') // '   John    ' (same length)
 */
export function stripTags(div: string): string {
  return div.replace(/<!--[\s\S]*?-->|<[^>]*>/g, (tag) =>
    /^<\/?(?:p|div|br|tr|td|th|li|h\d)\b/i.test(tag) ? '\n' + ' '.repeat(tag.length - 1) : ' '.repeat(tag.length),
  )
}
