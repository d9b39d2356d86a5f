import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { syntheticCsv } from '../plugin-scaffold-data.ts'

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
// The scaffold starts from the shipped example (one source: it passes the conformance suite here).
const EXAMPLE = new URL('../../examples/custom-plugin/naive-bayes.ts', import.meta.url)

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())

const testFile = (name: string) => `import { readFileSync } from 'node:fs'
import { createNexora, memoryStorage } from 'nexora'
import { datasetFromCsv, modelPluginConformance } from 'nexora/testing'
import { expect, it } from 'vitest'
import { ${camel(name)}, ${camel(name)}Plugin } from './index.ts'

// train.csv is seeded synthetic data; replace it with yours (one 0/1 target column, the rest features).
const { dataset, inputs } = datasetFromCsv(readFileSync(new URL('./train.csv', import.meta.url), 'utf8'), { target: 'outcome' })

// The contract every Nexora model plugin passes: deterministic training, registry round trip,
// batch = single row, coded errors, additive explanations, metrics.
modelPluginConformance('${name}', async () => ({
  plugin: ${camel(name)}Plugin,
  train: { rows: dataset.rows.slice(0, 300), labels: dataset.labels.slice(0, 300) },
  score: dataset.rows.slice(300, 308),
  options: { name: '${name}-conformance', version: '1.0.0', inputs },
  tolerance: { batch: 0, additivity: 1e-9 },
  metrics: ['auroc', 'auprc', 'brier'],
}))

it('serves through createNexora', async () => {
  const train = { rows: dataset.rows.slice(0, 300), labels: dataset.labels.slice(0, 300) }
  const artifact = await ${camel(name)}Plugin.train!(train, { name: '${name}', version: '1.0.0', inputs })
  const nexora = await createNexora({ plugins: [memoryStorage(), ${camel(name)}()] })
  await nexora.registry.register(artifact.manifest, artifact.files)
  const caller = { subject: 'test', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
  const result = await nexora.predict({ model: '${name}', rows: dataset.rows.slice(300, 302), explain: true }, caller)
  expect(result.predictions).toHaveLength(2)
  await nexora.close()
})
`

const readme = (name: string) => `# ${name}

A Nexora model plugin, scaffolded by \`nexora plugin new ${name}\`. \`index.ts\` starts as a working naive Bayes model
(train, load, predict, exact explanations, evaluate); replace its maths with yours and keep the test green.

\`\`\`sh
npm install                                # then add nexora itself: npm install -D nexora (or a tarball or path)
npm test                                   # the Nexora model conformance suite and a createNexora round trip
npx nexora train --plugin ./index.ts --model-type ${name} --data train.csv --target outcome --name my-model   # 20% held out
npx nexora serve --plugin ./index.ts       # then POST /predict {"model":"my-model",...}
\`\`\`

\`nexora train\` holds out a seeded stratified 20% of the rows (\`--cv K\` for cross-validation) and prints the held-out
metrics apart from the in-sample ones; anything your \`train\` records in the manifest's \`metrics\` it measured on its training
rows, so name it \`insample_*\` (\`tagMetrics('insample', …)\`; the conformance suite checks it).

See Nexora's \`docs/plugins.md\` for the walkthrough (train, register, promote, serve) and the harness fields.
`

export const pluginCommand: Command = {
  name: 'plugin',
  summary: 'Scaffold a model plugin with the conformance suite wired in (plugin new NAME)',
  usage: `nexora plugin new NAME [--dir DIR]

  Writes DIR/NAME (default ./NAME): index.ts (a working model plugin to build on), index.test.ts
  (Nexora's model conformance suite), train.csv (seeded synthetic data), package.json and a
  README. NAME is lower-case words joined by hyphens; it becomes the model kind. Refuses to
  write into a folder that exists.`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { dir: { type: 'string' } })
    const [verb, name, ...extra] = positionals
    if (verb !== 'new' || !name || extra.length > 0) throw new UsageError('expected "nexora plugin new NAME"')
    if (!NAME.test(name)) throw new UsageError('NAME must be lower-case letters and digits, words joined by hyphens (e.g. gradient-stumps)')
    const dir = resolve(values.dir ?? '.', name)
    await mkdir(dir, { recursive: false }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(error.code === 'EEXIST' ? `${dir} exists already` : `cannot create ${dir}`)
    })
    const example = await readFile(EXAMPLE, 'utf8')
    const source = example
      .replaceAll('naive-bayes', name)
      .replaceAll('naiveBayesPlugin', `${camel(name)}Plugin`)
      .replaceAll('naiveBayes(', `${camel(name)}(`)
      .replaceAll('naiveBayes =', `${camel(name)} =`)
      .concat(`\n// What \`nexora serve --plugin\` and \`nexora train --plugin\` load.\nexport default ${camel(name)}\n`)
    const pkg = {
      name,
      version: '0.1.0',
      type: 'module',
      scripts: { test: 'vitest run' },
      peerDependencies: { nexora: '>=0.1.0' },
      // nexora itself is installed from wherever you take it (a tarball, a path, your registry), never guessed here.
      // tsx: Node 20 cannot import TypeScript, so `nexora train --plugin ./index.ts` loads it through tsx.
      devDependencies: { tsx: '^4.20.0', vitest: '^4.1.0' },
    }
    await Promise.all([
      writeFile(join(dir, 'index.ts'), source),
      writeFile(join(dir, 'index.test.ts'), testFile(name)),
      writeFile(join(dir, 'train.csv'), syntheticCsv(400, 20261206)),
      writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`),
      writeFile(join(dir, 'README.md'), readme(name)),
    ])
    io.out(dir)
    return 0
  },
}
