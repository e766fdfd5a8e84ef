/**
 * Everything the server needs from the Kubernetes API, behind one module so that main.ts loads it only when a
 * flag asks for the cluster.
 */
export { loadKubeConfig } from './client.js';
export { eventRecorder } from './events.js';
export { startManagedTls } from './managed-tls.js';
export { startNamespaceCache } from './namespace-cache.js';
export { startNodeCache } from './node-cache.js';
export { startProxyConfigCache } from './proxyconfig-cache.js';
export { watchInjectConfigMaps } from '../config/configmap-source.js';
