import { memoryJobQueue } from '../../core/index.ts'
import { jobQueueConformance } from '../../testing/index.ts'

jobQueueConformance('in-process', async () => ({ queue: memoryJobQueue(), close: async () => {} }))
