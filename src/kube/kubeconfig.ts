import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

/**
 * The YAML parser (~9 MiB resident) is loaded only when a kubeconfig file is read: a server in a pod uses its
 * ServiceAccount and never needs it. Synchronous, like the rest of the kubeconfig lookup.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text, { maxAliasCount: 100 });
}

/** How requests prove who they are; the client-certificate pair, when there is one, is in the TLS settings. */
export type KubeAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  /** A token file re-read as it changes: the kubelet rotates projected ServiceAccount tokens hourly. */
  | { kind: 'tokenFile'; path: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'exec'; exec: ExecPlugin };

/** A client-go credential plugin (`users[].user.exec`), as EKS, GKE and AKS kubeconfigs use. */
export interface ExecPlugin {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
}

/** Everything needed to reach one API server as one user. */
export interface KubeConnection {
  /** Base URL without a trailing slash; may carry a path prefix (e.g. behind a proxy). */
  server: string;
  ca?: Buffer;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  cert?: Buffer;
  key?: Buffer;
  auth: KubeAuth;
  /** The context's default namespace, if it names one. */
  namespace?: string;
}

interface Named<T> {
  name: string;
  value: T;
}

type Fields = Record<string, unknown>;

interface MergedKubeconfig {
  clusters: Map<string, Named<Fields>>;
  users: Map<string, Named<Fields>>;
  contexts: Map<string, Named<Fields>>;
  currentContext: string | undefined;
  /** The file each entry came from, for paths relative to it. */
  dirOf: Map<Fields, string>;
}

const fields = (v: unknown): Fields | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined;

function str(f: Fields, key: string, where: string): string | undefined {
  const v = f[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${where}: "${key}" must be a string`);
  return v;
}

/**
 * Merge kubeconfig files as kubectl does for a KUBECONFIG list: the first file to define a cluster, user or
 * context name wins, and so does the first current-context.
 */
export function readKubeconfigFiles(paths: readonly string[], read: (p: string) => string = (p) => readFileSync(p, 'utf8')): MergedKubeconfig {
  const merged: MergedKubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, dirOf: new Map() };
  for (const path of paths) {
    let doc: unknown;
    try {
      doc = parseYaml(read(path));
    } catch (e) {
      throw new Error(`kubeconfig ${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const top = fields(doc) ?? {};
    const take = (key: 'clusters' | 'users' | 'contexts', inner: string): void => {
      const list = top[key];
      if (list === undefined || list === null) return;
      if (!Array.isArray(list)) throw new Error(`kubeconfig ${path}: "${key}" must be a list`);
      for (const entry of list) {
        const e = fields(entry);
        const name = e?.['name'];
        if (typeof name !== 'string') throw new Error(`kubeconfig ${path}: an entry of "${key}" has no name`);
        if (merged[key].has(name)) continue;
        const value = fields(e?.[inner]) ?? {};
        merged[key].set(name, { name, value });
        merged.dirOf.set(value, dirname(path));
      }
    };
    take('clusters', 'cluster');
    take('users', 'user');
    take('contexts', 'context');
    const current = top['current-context'];
    if (merged.currentContext === undefined && typeof current === 'string' && current !== '') merged.currentContext = current;
  }
  return merged;
}

function fileOrData(f: Fields, fileKey: string, dataKey: string, dir: string, where: string): Buffer | undefined {
  const data = str(f, dataKey, where);
  if (data !== undefined && data !== '') return Buffer.from(data, 'base64');
  const file = str(f, fileKey, where);
  if (file === undefined || file === '') return undefined;
  const path = isAbsolute(file) ? file : join(dir, file);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${where}: cannot read ${fileKey} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function execPlugin(f: Fields, dir: string, where: string): ExecPlugin {
  const command = str(f, 'command', where);
  if (command === undefined || command === '') throw new Error(`${where}: exec has no command`);
  const args = f['args'] ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new Error(`${where}: exec args must be strings`);
  const env: ExecPlugin['env'] = [];
  for (const e of (f['env'] ?? []) as unknown[]) {
    const v = fields(e);
    if (typeof v?.['name'] !== 'string' || typeof v['value'] !== 'string') throw new Error(`${where}: exec env entries need name and value`);
    env.push({ name: v['name'], value: v['value'] });
  }
  return {
    // As client-go: a relative path with a slash is relative to the kubeconfig, a bare name is looked up in PATH.
    command: command.includes('/') && !isAbsolute(command) ? join(dir, command) : command,
    args: args as string[],
    env,
    apiVersion: str(f, 'apiVersion', where) ?? 'client.authentication.k8s.io/v1beta1',
  };
}

/** The connection a context describes, with every file it names read now (so a typo fails at start). */
export function connectionFromKubeconfig(cfg: MergedKubeconfig, contextName?: string): KubeConnection {
  const name = contextName ?? cfg.currentContext;
  if (name === undefined) throw new Error('no current-context in kubeconfig (and no --context)');
  const ctx = cfg.contexts.get(name)?.value;
  if (ctx === undefined) throw new Error(`context "${name}" is not in kubeconfig`);
  const clusterName = str(ctx, 'cluster', `context "${name}"`);
  const cluster = clusterName !== undefined ? cfg.clusters.get(clusterName)?.value : undefined;
  if (cluster === undefined) throw new Error(`context "${name}": cluster "${clusterName ?? ''}" is not in kubeconfig`);
  const cWhere = `cluster "${clusterName}"`;
  const server = str(cluster, 'server', cWhere);
  if (server === undefined || server === '') throw new Error(`${cWhere} has no server`);
  if (str(cluster, 'proxy-url', cWhere)) throw new Error(`${cWhere}: proxy-url is not supported`);
  const cDir = cfg.dirOf.get(cluster) ?? '.';
  const conn: KubeConnection = {
    server: normaliseServer(server),
    skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    auth: { kind: 'none' },
  };
  const ca = fileOrData(cluster, 'certificate-authority', 'certificate-authority-data', cDir, cWhere);
  if (ca !== undefined) conn.ca = ca;
  const sni = str(cluster, 'tls-server-name', cWhere);
  if (sni) conn.tlsServerName = sni;
  const ns = str(ctx, 'namespace', `context "${name}"`);
  if (ns) conn.namespace = ns;

  const userName = str(ctx, 'user', `context "${name}"`);
  if (userName === undefined || userName === '') return conn;
  const user = cfg.users.get(userName)?.value;
  if (user === undefined) throw new Error(`context "${name}": user "${userName}" is not in kubeconfig`);
  const uWhere = `user "${userName}"`;
  const uDir = cfg.dirOf.get(user) ?? '.';
  const cert = fileOrData(user, 'client-certificate', 'client-certificate-data', uDir, uWhere);
  const key = fileOrData(user, 'client-key', 'client-key-data', uDir, uWhere);
  if ((cert === undefined) !== (key === undefined)) throw new Error(`${uWhere}: a client certificate needs its key and the other way round`);
  if (cert !== undefined && key !== undefined) {
    conn.cert = cert;
    conn.key = key;
  }
  if (user['auth-provider'] !== undefined) {
    const provider = str(fields(user['auth-provider']) ?? {}, 'name', uWhere) ?? '?';
    throw new Error(`${uWhere}: auth-provider "${provider}" is not supported (removed from kubectl too); use an exec credential plugin`);
  }
  const token = str(user, 'token', uWhere);
  const tokenFile = str(user, 'tokenFile', uWhere);
  const username = str(user, 'username', uWhere);
  const exec = fields(user['exec']);
  if (token) conn.auth = { kind: 'token', token };
  else if (tokenFile) conn.auth = { kind: 'tokenFile', path: isAbsolute(tokenFile) ? tokenFile : join(uDir, tokenFile) };
  else if (exec !== undefined) conn.auth = { kind: 'exec', exec: execPlugin(exec, uDir, uWhere) };
  else if (username) conn.auth = { kind: 'basic', username, password: str(user, 'password', uWhere) ?? '' };
  return conn;
}

export function normaliseServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`server "${server}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`server "${server}" is not an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

/** $KUBECONFIG's list, else ~/.kube/config, as kubectl reads them. */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv, fileExists: (p: string) => boolean): string[] {
  const list = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) {
    const present = list.filter(fileExists);
    if (present.length === 0) throw new Error(`none of the KUBECONFIG files exist (${list.join(delimiter)})`);
    return present;
  }
  const home = join(env['HOME'] ?? homedir(), '.kube', 'config');
  if (!fileExists(home)) throw new Error(`no kubeconfig: $KUBECONFIG is unset and ${home} does not exist`);
  return [home];
}
