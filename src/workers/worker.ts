/**
 * An admission worker thread: decodes the raw AdmissionReview, runs the engine with the configuration
 * generation the request was tagged with, encodes the answer text. Configurations arrive as raw text and
 * are compiled and canary-checked here (each thread needs its own compiled templates; the HTTP thread
 * holds none, which keeps its memory to the transport).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AdmissionError, admissionError, describeError } from '../errors.js';
import { canaryInject } from '../inject/canary.js';
import { answerReview } from '../admission/answer.js';
import { buildInjectionSettings, createEngines, loadSchemaValidator, lookupsFromState, type ActiveConfig, type CacheLookups } from './engines.js';
import type { ConfigGeneration, ConfigRefusal, FromWorker, ToWorker, WorkerInit } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const init = workerData as WorkerInit;
const post = (m: FromWorker) => port.postMessage(m);

// Generations in use: the active one and the one a reload is preparing. Messages arrive in order, so once a
// newer generation is loaded no request for one older than the previous can still be queued.
const configs = new Map<number, ActiveConfig>();
function load(c: ConfigGeneration): ConfigRefusal | undefined {
  try {
    const value = buildInjectionSettings(c.raw, init.features);
    // A config that cannot inject a plain pod never goes live (the HTTP thread does not compile it itself).
    canaryInject(value);
    configs.set(c.gen, { value, hash: c.hash });
  } catch (e) {
    return { error: describeError(e), ...(e instanceof AdmissionError ? { code: e.code } : {}) };
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
  { snapshotLookups: true },
);

for (const c of init.configs) {
  const refusal = load(c);
  if (refusal !== undefined) post({ t: 'config', gen: c.gen, ...refusal });
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'admit') {
    requestGen = m.gen;
    const a = answerReview(engines, m.kind, m.body, m.path);
    post({ t: 'answer', id: m.id, body: a.body, summary: a.summary });
  } else if (m.t === 'config') {
    post({ t: 'config', gen: m.gen, ...load(m) });
  } else if (m.t === 'caches') {
    lookups = lookupsFromState(init.features, m.caches);
  }
});
post({ t: 'ready' });
