/**
 * A separate process appending to one audit trail: `node --import tsx audit-writer-process.ts URL NAME N`.
 * It goes through createNexora's audit logger (group commit and all), as a Nexora replica would.
 */
import { createNexora } from '../core/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

const [url, name, count] = process.argv.slice(2)
const nexora = await createNexora({ plugins: [sqlStorage({ url })] })
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    nexora.audit.logDataAccess({ userId: name!, patientId: `Patient/${i}`, action: 'chart.view', context: { i } }),
  ),
)
await nexora.close()
