import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { Markdown, safeHref } from '../../site/ui/markdown.tsx'
import { calibrationFromMetrics, calibrationFromPerformance } from '../../site/pages/models/calibration.ts'

const html = (source: string, headingOffset = 0) => renderToStaticMarkup(createElement(Markdown, { source, headingOffset }))

describe('the model card Markdown renderer', () => {
  it('renders headings, paragraphs, emphasis, code, lists, tables, quotes and rules', () => {
    expect(html('# Title `x`\n\nSome **bold** and *em* and _em_ text,\nsoft-wrapped.', 1)).toBe(
      '<div class="markdown"><h2>Title <code>x</code></h2><p>Some <strong>bold</strong> and <em>em</em> and <em>em</em> text, soft-wrapped.</p></div>',
    )
    expect(html('- one\n- two with `code`\n  continued\n  - nested\n\n1. first\n2. second')).toBe(
      '<div class="markdown"><ul><li>one</li><li>two with <code>code</code> ' +
        'continued<ul><li>nested</li></ul></li></ul><ol><li>first</li><li>second</li></ol></div>',
    )
    expect(html('| a | b \\| c |\n|---|:-:|\n| `x|y` | 2 |')).toContain(
      '<thead><tr><th scope="col">a</th><th scope="col">b | c</th></tr></thead><tbody><tr><td><code>x|y</code></td><td>2</td></tr></tbody>',
    )
    expect(html('| | |\n|---|---|\n| Task | Risk |')).toContain('<tbody><tr><th scope="row">Task</th><td>Risk</td></tr></tbody>')
    expect(html('```ts\nconst a = 1 < 2\n```')).toBe('<div class="markdown"><pre tabindex="0"><code data-lang="ts">const a = 1 &lt; 2</code></pre></div>')
    expect(html('> quoted\n\n---')).toBe('<div class="markdown"><blockquote><p>quoted</p></blockquote><hr/></div>')
    expect(html('snake_case_name and 2 * 3 * 4 stay as written')).toBe('<div class="markdown"><p>snake_case_name and 2 * 3 * 4 stay as written</p></div>')
  })

  it('never injects raw HTML and drops unsafe link targets', () => {
    const out = html(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.org/a) [rel](#/models) <https://x.test>',
    )
    expect(out).not.toContain('<script')
    expect(out).not.toContain('<img')
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).not.toContain('javascript:')
    expect(out).toContain('click')
    expect(out).toContain('<a href="https://example.org/a" rel="noopener noreferrer">ok</a>')
    expect(out).toContain('<a href="#/models">rel</a>')
    expect(out).toContain('<a href="https://x.test" rel="noopener noreferrer">https://x.test</a>')
    expect([safeHref('JAVASCRIPT:x'), safeHref('data:text/html,x'), safeHref('//evil.test'), safeHref('vbscript:x')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})

describe('calibration sources', () => {
  it('reads <bin>_predicted / <bin>_observed pairs from manifest metrics', () => {
    const c = calibrationFromMetrics({
      heldout_auroc: 0.7,
      heldout_third2_predicted: 0.6,
      heldout_third2_observed: 0.5,
      heldout_third1_predicted: 0.3,
      heldout_third1_observed: 0.2,
      heldout_meanPredictedRisk: 0.5,
    })
    expect(c?.points).toEqual([
      { label: 'third1', predicted: 0.3, observed: 0.2 },
      { label: 'third2', predicted: 0.6, observed: 0.5 },
    ])
    expect(calibrationFromMetrics({ heldout_auroc: 0.7 })).toBeUndefined()
  })

  it('reads the monitoring performance report, skipping empty bins', () => {
    const c = calibrationFromPerformance({
      n: 40,
      calibration: { probTrue: [0.1, null, 0.5], probPred: [0.12, null, 0.45], binCounts: [30, 0, 10], slope: 0.9, intercept: 0.1 },
    })
    expect(c?.points.map((p) => p.count)).toEqual([30, 10])
    expect(calibrationFromPerformance({ n: 0, calibration: null })).toBeUndefined()
  })
})
