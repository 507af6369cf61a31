/**
 * Worker thread of the import's stage pool (stage-pool.ts): parses, validates, hashes
 * and encrypts batches while the main thread writes earlier ones to the database.
 * It holds an encrypt-only cipher with the current data key and the blind-index key,
 * both received from the parent as KeyObjects (cloned, never serialised).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BlindIndex, FieldCipher } from '../../platform/crypto.js';
import { createStager, regionValidation } from './stage-rows.js';
import type { StageWorkerData, StageWorkerJob, StageWorkerReply } from './stage-pool.js';

const data = workerData as StageWorkerData;
const crypto = {
  cipher: new FieldCipher([[data.keys.keyId, data.keys.dataKey]], data.keys.keyId),
  index: new BlindIndex(data.keys.indexKey),
};
const validation = regionValidation(new Set(data.villages.split('\n')), new Set(data.districts.split('\n')), data.spec.today);
const stager = createStager(data.spec, crypto, validation);
const decoder = new TextDecoder();

parentPort!.on('message', (job: StageWorkerJob) => {
  let reply: StageWorkerReply;
  try {
    const staged = job.csv
      ? stager.stageCsv(decoder.decode(job.csv.bytes), job.csv.rowsBefore, data.csv!.delimiter, data.csv!.newline)
      : stager.stageRows(job.rows ?? []);
    // The COPY data has a buffer of its own: it is moved to the main thread, not copied.
    reply = { seq: job.seq, copy: staged.copy, count: staged.count, rows: staged.rows, rejects: staged.rejects };
    parentPort!.postMessage(reply, [staged.copy.buffer as ArrayBuffer]);
  } catch (err) {
    reply = { seq: job.seq, error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) };
    parentPort!.postMessage(reply);
  }
});
