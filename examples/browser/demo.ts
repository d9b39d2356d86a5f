import type { BrowserNexora } from '../../adapters/browser.ts'
import type { FeatureValue } from '../../core/index.ts'

/**
 * Load the model onto the device, then score the form's patient in the tab. `window.nexoraDemo`
 * is what the browser test drives; the form is what a person uses.
 */
export async function exposeDemo(nexora: BrowserNexora, modelUrl: string) {
  const model = await nexora.loadModel(modelUrl)
  async function score(features: Record<string, FeatureValue>, patientRef?: string) {
    const result = await nexora.predict({ model: model.name, rows: [{ patientRef, features }], explain: true })
    const loaded = (await nexora.nexora.registry.load(await nexora.nexora.registry.resolve(model.name))) as { executionProvider?: string }
    return {
      score: result.predictions[0]!.score,
      label: result.predictions[0]!.label,
      explanation: result.predictions[0]!.explanation,
      provider: loaded.executionProvider ?? 'n/a',
    }
  }
  const form = document.querySelector('form')
  form?.addEventListener('submit', async (event) => {
    event.preventDefault()
    const data = new FormData(form)
    const features = Object.fromEntries([...data.entries()].map(([k, v]) => [k, k === 'sex' ? String(v) : k === 'on_anticoagulant' ? v === 'on' : Number(v)]))
    if (!('on_anticoagulant' in features)) features.on_anticoagulant = false
    const out = await score(features)
    document.querySelector('#result')!.textContent = `Risk ${(out.score * 100).toFixed(1)} % (${out.label ?? ''}), computed in this tab with ${out.provider}`
  })
  document.querySelector('#export')?.addEventListener('click', async () => {
    const url = URL.createObjectURL(await nexora.exportAudit('fhir'))
    Object.assign(document.createElement('a'), { href: url, download: 'nexora-audit.json' }).click()
  })
  ;(globalThis as { nexoraDemo?: unknown }).nexoraDemo = { model, score, exportAudit: async (f: 'json' | 'fhir') => (await nexora.exportAudit(f)).text() }
  document.body.dataset.ready = 'true'
}
