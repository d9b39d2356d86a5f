import type { PhiType } from '../../plugins/phi/types.ts'

/** A gold span: exact UTF-16 offsets recorded while the generator inserted the value. */
export interface GoldSpan {
  start: number
  end: number
  type: PhiType
}
export interface CorpusDoc {
  id: string
  kind: string
  text: string
  spans: GoldSpan[]
}

/**
 * Appends text and PHI values, recording gold offsets as it goes — so annotations are exact by
 * construction rather than re-found afterwards.
 * @example
 * new DocBuilder().t('Seen by Dr. ').phi('NAME', 'Okafor').doc('d1', 'progress') // spans [{start:12,end:18,type:'NAME'}]
 */
export class DocBuilder {
  private text = ''
  private spans: GoldSpan[] = []
  /** Plain (non-PHI) text. */
  t(s: string): this {
    this.text += s
    return this
  }
  /** A PHI value of the given type. */
  phi(type: PhiType, value: string): this {
    this.spans.push({ start: this.text.length, end: this.text.length + value.length, type })
    this.text += value
    return this
  }
  doc(id: string, kind: string): CorpusDoc {
    return { id, kind, text: this.text, spans: this.spans }
  }
}
