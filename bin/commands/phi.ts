import { readFile } from 'node:fs/promises'
import { detectPhi, evaluateCorpus, formatReport, type CorpusDocument, type CorpusEvaluation, type PhiMode } from '../../plugins/phi/index.ts'
import { parseFlags, UsageError, type Command, type Io } from '../args.ts'

export const phiCommand: Command = {
  name: 'phi',
  summary: 'Detect PHI in a text file, or score the detector on an annotated corpus (phi detect | phi evaluate)',
  usage: `nexora phi detect --text-file FILE [--mode recall|precision] [--json]
nexora phi evaluate --corpus FILE.jsonl [--map FILE.json] [--mode recall|precision] [--top N] [--json]

  detect prints {"entities":[{"start":…,"end":…,"type":"…","score":…,"detector":"…"}]}; offsets
  are UTF-16 code units into the file's text (JavaScript string indices), end exclusive.

  evaluate reads one {"text": "…", "spans": [{"start":…,"end":…,"type":"…"}]} per line and prints
  precision, recall and F1 per type (exact and overlap matching; ANY = overlap whatever the type),
  false alarms per PHI-free document, and the most frequent misses and false positives. Types are
  folded into groups (NAME, LOCATION, DATE, AGE, CONTACT, ID); i2b2, PhysioNet deid and Presidio
  labels are known. --map names a JSON object {"MyLabel": "NAME", …} that adds to the folding.
  The misses and false positives quote the corpus: run it where the corpus may be read.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub === 'detect') return detect(rest, io)
    if (sub === 'evaluate') return evaluateCommand(rest, io)
    throw new UsageError('expected "nexora phi detect" or "nexora phi evaluate"')
  },
}

const modeFlag = { mode: { type: 'string' }, json: { type: 'boolean' } } as const

function modeOf(value: string | undefined): PhiMode {
  if (value === undefined || value === 'recall' || value === 'precision') return value ?? 'recall'
  throw new UsageError('--mode: expected recall or precision')
}

async function readText(flag: string, path: string | undefined): Promise<string> {
  if (!path) throw new UsageError(`--${flag} is required`)
  return readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--${flag}: cannot read ${path}`)
  })
}

async function detect(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { 'text-file': { type: 'string' }, ...modeFlag })
  const mode = modeOf(values.mode)
  const text = await readText('text-file', values['text-file'])
  const entities = detectPhi(text, { mode }).map(({ start, end, type, score, detector }) => ({ start, end, type, score, detector }))
  io.out(JSON.stringify({ entities }, null, values.json ? undefined : 2))
  return 0
}

async function evaluateCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { corpus: { type: 'string' }, map: { type: 'string' }, top: { type: 'string' }, ...modeFlag })
  const mode = modeOf(values.mode)
  const top = values.top === undefined ? 20 : Number(values.top)
  if (!Number.isInteger(top) || top < 0) throw new UsageError('--top: expected a whole number')
  const docs = parseCorpus(await readText('corpus', values.corpus))
  const map = values.map === undefined ? undefined : parseMap(await readText('map', values.map))
  const report = evaluateCorpus(docs, (text) => detectPhi(text, { mode }), { map, top })
  io.out(values.json ? JSON.stringify({ mode, ...report }) : render(mode, report))
  return 0
}

/**
 * One annotated document per line. A malformed line is refused by number and field only:
 * the corpus holds PHI, so no text of it goes into an error.
 */
export function parseCorpus(jsonl: string): CorpusDocument[] {
  const docs: CorpusDocument[] = []
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return
    const at = `--corpus line ${i + 1}`
    let doc: unknown
    try {
      doc = JSON.parse(line)
    } catch {
      throw new UsageError(`${at}: not JSON`)
    }
    const { text, spans = [] } = (doc ?? {}) as { text?: unknown; spans?: unknown }
    if (typeof text !== 'string') throw new UsageError(`${at}: "text" must be a string`)
    if (!Array.isArray(spans)) throw new UsageError(`${at}: "spans" must be an array`)
    spans.forEach((s: { start?: unknown; end?: unknown; type?: unknown }, k) => {
      const ok =
        s &&
        Number.isInteger(s.start) &&
        Number.isInteger(s.end) &&
        (s.start as number) >= 0 &&
        (s.start as number) < (s.end as number) &&
        (s.end as number) <= text.length
      if (!ok) throw new UsageError(`${at}: span ${k} needs whole-number start < end within the text`)
      if (typeof s.type !== 'string' || !s.type) throw new UsageError(`${at}: span ${k} needs a "type"`)
    })
    docs.push({ text, spans: spans as CorpusDocument['spans'] })
  })
  if (docs.length === 0) throw new UsageError('--corpus: no documents')
  return docs
}

function parseMap(json: string): Record<string, string> {
  let map: unknown
  try {
    map = JSON.parse(json)
  } catch {
    throw new UsageError('--map: not JSON')
  }
  if (!map || typeof map !== 'object' || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string'))
    throw new UsageError('--map: expected an object of label → group names')
  return map as Record<string, string>
}

function render(mode: PhiMode, r: CorpusEvaluation): string {
  const list = (findings: CorpusEvaluation['misses']) =>
    findings.map((f) => `  ${String(f.count).padStart(4)}  ${f.type.padEnd(9)} ${JSON.stringify(f.text)}`).join('\n') || '  (none)'
  return [
    `${r.documents} documents (${r.phiFreeDocuments} without PHI), mode ${mode}`,
    '',
    formatReport(r),
    '',
    `false alarms per PHI-free document: ${r.falsePositivesPerPhiFreeDocument.toFixed(3)}`,
    '',
    'most frequent misses (no detected span overlaps them):',
    list(r.misses),
    '',
    'most frequent false positives (overlap no gold span):',
    list(r.falsePositives),
  ].join('\n')
}
