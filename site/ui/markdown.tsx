import { Fragment, type ReactNode } from 'react'

/**
 * A tiny Markdown renderer for model cards and other trusted-but-untyped text: headings,
 * paragraphs, lists (nested by indentation), tables, fenced and inline code, block quotes, rules,
 * links and emphasis. It builds React elements, never an HTML string, so every character of the
 * source is text (React escapes it) and raw HTML in the source shows as written. Links keep only
 * http(s), mailto and same-site targets; anything else (`javascript:` and the like) becomes text.
 */
export function Markdown({ source, headingOffset = 0, className = 'markdown' }: { source: string; headingOffset?: number; className?: string }) {
  return <div className={className}>{blocks(source.replace(/\r\n?/g, '\n').split('\n'), headingOffset, 'b')}</div>
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)/
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/
const QUOTE = /^\s{0,3}>\s?(.*)$/
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/

const isTableStart = (lines: string[], i: number) => (lines[i] ?? '').includes('|') && TABLE_SEP.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-')
const startsBlock = (lines: string[], i: number) => {
  const l = lines[i]!
  return FENCE.test(l) || HEADING.test(l) || RULE.test(l) || ITEM.test(l) || QUOTE.test(l) || isTableStart(lines, i)
}

function blocks(lines: string[], offset: number, key: string): ReactNode[] {
  const out: ReactNode[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    const k = `${key}.${i}`
    if (!line.trim()) {
      i++
      continue
    }
    const fence = FENCE.exec(line)
    if (fence) {
      const body: string[] = []
      i++
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!)
      i++
      out.push(
        <pre key={k} tabIndex={0}>
          <code data-lang={fence[2] || undefined}>{body.join('\n')}</code>
        </pre>,
      )
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      const level = Math.min(6, heading[1]!.length + offset)
      const H = `h${level}` as 'h2'
      out.push(<H key={k}>{inline(heading[2]!, k)}</H>)
      i++
      continue
    }
    if (RULE.test(line)) {
      out.push(<hr key={k} />)
      i++
      continue
    }
    if (isTableStart(lines, i)) {
      const rows: string[][] = []
      const head = cells(line)
      i += 2
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim()) rows.push(cells(lines[i++]!))
      out.push(<Table key={k} head={head} rows={rows} k={k} />)
      continue
    }
    if (QUOTE.test(line)) {
      const body: string[] = []
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(QUOTE.exec(lines[i++]!)![1]!)
      out.push(<blockquote key={k}>{blocks(body, offset, k)}</blockquote>)
      continue
    }
    const item = ITEM.exec(line)
    if (item) {
      const base = item[1]!.length
      const ordered = /\d/.test(item[2]![0]!)
      const items: string[][] = []
      // Another item of this list: same indentation and the same kind (bullets vs numbers).
      const sameList = (m: RegExpExecArray | null) => !!m && m[1]!.length <= base + 1 && /\d/.test(m[2]![0]!) === ordered
      let loose = false
      while (i < lines.length) {
        const l = lines[i]!
        const m = ITEM.exec(l)
        if (sameList(m)) {
          items.push([m![3]!])
          i++
          continue
        }
        // Blank lines inside a list continue it only when the next line is indented or another item.
        if (!l.trim()) {
          const next = lines[i + 1] ?? ''
          if (sameList(ITEM.exec(next)) || (next.trim() && next.length - next.trimStart().length > base + 1)) {
            loose = true
            items.at(-1)!.push('')
            i++
            continue
          }
          break
        }
        if (m && m[1]!.length <= base + 1) break
        if (l.length - l.trimStart().length > base) {
          items.at(-1)!.push(l.slice(Math.min(l.length - l.trimStart().length, base + 2)))
          i++
          continue
        }
        // A lazy continuation line of the item's paragraph.
        if (!startsBlock(lines, i)) {
          items.at(-1)!.push(l.trim())
          i++
          continue
        }
        break
      }
      const List = ordered ? 'ol' : 'ul'
      const start = ordered ? Number.parseInt(item[2]!, 10) : undefined
      out.push(
        <List key={k} start={start !== undefined && start !== 1 ? start : undefined}>
          {items.map((body, j) => {
            const inner = blocks(body, offset, `${k}.${j}`)
            // A "tight" list (no blank lines between items) renders its paragraphs without <p>.
            return (
              <li key={j}>
                {loose
                  ? inner
                  : inner.map((node) =>
                      isParagraph(node) ? (
                        <Fragment key={(node as { key: string }).key}>{(node as { props: { children: ReactNode } }).props.children}</Fragment>
                      ) : (
                        node
                      ),
                    )}
              </li>
            )
          })}
        </List>,
      )
      continue
    }
    const para: string[] = [line]
    i++
    while (i < lines.length && lines[i]!.trim() && !startsBlock(lines, i)) para.push(lines[i++]!)
    out.push(<p key={k}>{lineBreaks(para, k)}</p>)
  }
  return out
}

const isParagraph = (node: ReactNode) => !!node && typeof node === 'object' && 'type' in node && node.type === 'p'

function lineBreaks(lines: string[], key: string): ReactNode[] {
  return lines.flatMap((l, j) => {
    const hard = / {2,}$|\\$/.test(l)
    const text = l.replace(/ {2,}$|\\$/, '').trim()
    const parts = inline(text, `${key}.${j}`)
    if (j === lines.length - 1) return parts
    return hard ? [...parts, <br key={`${key}.${j}.br`} />] : [...parts, ' ']
  })
}

/** Split a table row on unescaped pipes (a `\|` stays in the cell). */
function cells(row: string): string[] {
  let s = row.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1)
  const out: string[] = []
  let cur = ''
  let code = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|'
      i++
      continue
    }
    if (c === '`') code = !code
    if (c === '|' && !code) {
      out.push(cur.trim())
      cur = ''
      continue
    }
    cur += c
  }
  out.push(cur.trim())
  return out
}

function Table({ head, rows, k }: { head: string[]; rows: string[][]; k: string }) {
  // A key/value table written with an empty header row (`| | |`) gets row headers instead.
  const keyValue = head.every((h) => !h)
  const label = (keyValue ? rows.map((r) => r[0] ?? '') : head)
    .map((t) => t.replace(/[`*_\\]/g, ''))
    .filter(Boolean)
    .join(', ')
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={`Table: ${label.length > 80 ? `${label.slice(0, 77)}…` : label}`}>
      <table>
        {keyValue ? null : (
          <thead>
            <tr>
              {head.map((h, j) => (
                <th key={j} scope="col">
                  {inline(h, `${k}.h${j}`)}
                </th>
              ))}
            </tr>
          </thead>
        )}
        <tbody>
          {rows.map((r, ri) => (
            <tr key={ri}>
              {head.map((_, j) => {
                const content = inline(r[j] ?? '', `${k}.${ri}.${j}`)
                return keyValue && j === 0 ? (
                  <th key={j} scope="row">
                    {content}
                  </th>
                ) : (
                  <td key={j}>{content}</td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Only these link targets survive: web, mail, and same-site (relative, absolute-path or fragment). */
export function safeHref(url: string): string | undefined {
  const u = url.trim()
  if (/^(https?:|mailto:)/i.test(u)) return u
  if (/^[a-z][a-z0-9+.-]*:/i.test(u) || u.startsWith('//')) return undefined
  return u || undefined
}

const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/

/** Inline Markdown: `\` escapes, code spans, links and autolinks, strong and emphasis. */
export function inline(text: string, key = 'i'): ReactNode[] {
  const out: ReactNode[] = []
  let buf = ''
  const flush = () => {
    if (buf) {
      out.push(buf)
      buf = ''
    }
  }
  let i = 0
  let n = 0
  const push = (node: ReactNode) => {
    flush()
    out.push(<Fragment key={`${key}.${n++}`}>{node}</Fragment>)
  }
  while (i < text.length) {
    const c = text[i]!
    if (c === '\\' && PUNCT.test(text[i + 1] ?? '')) {
      buf += text[i + 1]
      i += 2
      continue
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0]
      const end = text.indexOf(run, i + run.length)
      if (end > 0) {
        push(<code>{text.slice(i + run.length, end).replace(/^ (.*) $/, '$1')}</code>)
        i = end + run.length
        continue
      }
      buf += run
      i += run.length
      continue
    }
    if (c === '[') {
      const m = /^\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/.exec(text.slice(i))
      if (m) {
        const href = safeHref(m[2]!)
        const label = inline(m[1]!, `${key}.${n}l`)
        push(
          href ? (
            <a href={href} rel={/^https?:/i.test(href) ? 'noopener noreferrer' : undefined}>
              {label}
            </a>
          ) : (
            <>{label}</>
          ),
        )
        i += m[0].length
        continue
      }
    }
    if (c === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(text.slice(i))
      if (m) {
        push(
          <a href={m[1]} rel="noopener noreferrer">
            {m[1]}
          </a>,
        )
        i += m[0].length
        continue
      }
    }
    if (c === '*' || c === '_') {
      const double = text[i + 1] === c
      const delim = double ? c + c : c
      const before = text[i - 1] ?? ' '
      const after = text[i + delim.length] ?? ' '
      // `_` emphasis only at word boundaries (snake_case stays as written); never before a space.
      const opens = !/\s/.test(after) && (c === '*' || !/[\p{L}\p{N}]/u.test(before))
      if (opens) {
        const end = findClose(text, i + delim.length, delim, c)
        if (end > 0) {
          const inner = inline(text.slice(i + delim.length, end), `${key}.${n}e`)
          push(double ? <strong>{inner}</strong> : <em>{inner}</em>)
          i = end + delim.length
          continue
        }
      }
      buf += delim
      i += delim.length
      continue
    }
    buf += c
    i++
  }
  flush()
  return out
}

function findClose(text: string, from: number, delim: string, c: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') {
      j++
      continue
    }
    if (text[j] === '`') {
      const e = text.indexOf('`', j + 1)
      if (e > 0) {
        j = e
        continue
      }
    }
    if (text.startsWith(delim, j) && !/\s/.test(text[j - 1] ?? ' ') && j > from) {
      if (delim.length === 1 && text[j + 1] === c) {
        j++
        continue
      }
      if (c === '_' && /[\p{L}\p{N}]/u.test(text[j + delim.length] ?? ' ')) continue
      return j
    }
  }
  return -1
}
