/**
 * An admission worker thread: decodes the raw AdmissionReview, runs the engine with the configuration
 * generation the request was tagged with, encodes the answer text. Configurations arrive as raw text and
 * are compiled here (each thread needs its own compiled templates); the main thread validated them first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { admissionError, describeError } from '../errors.js';
import { answerReview } from '../admission/answer.js';
import { buildInjectionSettings, createEngines, loadSchemaValidator, lookupsFromState, type ActiveConfig, type CacheLookups } from './engines.js';
import type { ConfigGeneration, FromWorker, ToWorker, WorkerInit } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

// Generations in use: the active one and the one a reload is preparing. Messages arrive in order, so once a
// newer generation is loaded no request for one older than the previous can still be queued.
const configs = new Map<number, ActiveConfig>();
function load(c: ConfigGeneration): string | undefined {
  try {
    configs.set(c.gen, { value: buildInjectionSettings(c.raw, init.features), hash: c.hash });
  } catch (e) {
    return describeError(e);
  }
  for (const g of [...configs.keys()].sort((a, b) => a - b).slice(0, -2)) configs.delete(g);
  return undefined;
}

let lookups: CacheLookups = lookupsFromState(init.features, init.caches);
let requestGen = -1;
const engines = createEngines(
  init.features,
  () => {
    const c = configs.get(requestGen);
    if (!c) throw admissionError('MA322_WORKER_CONFIG', `configuration generation ${requestGen} is not loaded in this worker`);
    return c;
  },
  () => lookups,
  loadSchemaValidator(init.features)?.validator,
);

for (const c of init.configs) {
  const error = load(c);
  if (error !== undefined) post({ t: 'config', gen: c.gen, error });
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'admit') {
    requestGen = m.gen;
    const a = answerReview(engines, m.kind, m.body, m.path);
    post({ t: 'answer', id: m.id, body: a.body, summary: a.summary });
  } else if (m.t === 'config') {
    const error = load(m);
    post({ t: 'config', gen: m.gen, ...(error !== undefined ? { error } : {}) });
  } else if (m.t === 'caches') {
    lookups = lookupsFromState(init.features, m.caches);
  }
});
post({ t: 'ready' });
