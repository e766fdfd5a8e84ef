import { parseAllDocuments } from 'yaml';

/** A JSON-schema node as it appears in a CRD (`openAPIV3Schema` and below). */
export type SchemaNode = Record<string, unknown>;

export interface CrdVersionSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly schema: SchemaNode;
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly served: boolean;
  readonly storage: boolean;
}

/** Every served schema from a set of CRDs, looked up by group+kind, then version. */
export interface CrdCatalog {
  /** `undefined` when the group/kind has no CRD at all. */
  versionsOf(group: string, kind: string): ReadonlyMap<string, CrdVersionSchema> | undefined;
  list(): GroupVersionKind[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export class CrdLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrdLoadError';
  }
}

function groupKindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/**
 * Reads CustomResourceDefinition documents (multi-document YAML or JSON). Non-CRD documents are
 * skipped so a whole install manifest can be passed; a CRD without a usable schema is an error,
 * because silently skipping it would let every object of that kind through unchecked.
 */
export function parseCrdCatalog(text: string, source = 'CRD input'): CrdCatalog {
  return crdCatalogFromDocuments(readCrdDocuments(text, source), source);
}

/** The documents of a CRD file as plain values (what crdCatalogFromDocuments reads, and a cache can keep). */
export function readCrdDocuments(text: string, source = 'CRD input'): unknown[] {
  return parseAllDocuments(text).map((doc, index) => {
    if (doc.errors.length > 0) {
      throw new CrdLoadError(`${source}: document ${index + 1} is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
    }
    return doc.toJS({ maxAliasCount: -1 }) as unknown;
  });
}

export function crdCatalogFromDocuments(docs: readonly unknown[], source = 'CRD input'): CrdCatalog {
  const byGroupKind = new Map<string, Map<string, CrdVersionSchema>>();
  docs.forEach((root, index) => {
    // `kubectl get crd -o yaml` wraps the definitions in a List.
    const items = isRecord(root) && root.kind === 'List' && Array.isArray(root.items) ? root.items : [root];
    for (const crd of items) addCrd(crd, index);
  });
  function addCrd(crd: unknown, index: number): void {
    if (!isRecord(crd) || crd.kind !== 'CustomResourceDefinition') return;
    const spec = crd.spec;
    const name = isRecord(crd.metadata) ? str(crd.metadata.name) : undefined;
    const where = `${source}: CustomResourceDefinition ${name ?? `#${index + 1}`}`;
    if (!isRecord(spec)) throw new CrdLoadError(`${where} has no spec`);
    const group = str(spec.group);
    const kind = isRecord(spec.names) ? str(spec.names.kind) : undefined;
    if (group === undefined || kind === undefined) throw new CrdLoadError(`${where} lacks spec.group or spec.names.kind`);
    if (!Array.isArray(spec.versions)) throw new CrdLoadError(`${where} lacks spec.versions`);
    const versions = byGroupKind.get(groupKindKey(group, kind)) ?? new Map<string, CrdVersionSchema>();
    for (const v of spec.versions) {
      if (!isRecord(v)) throw new CrdLoadError(`${where}: a version entry is not a mapping`);
      const version = str(v.name);
      if (version === undefined) throw new CrdLoadError(`${where}: a version has no name`);
      const schema = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
      if (!isRecord(schema)) throw new CrdLoadError(`${where}: version ${version} has no schema.openAPIV3Schema`);
      versions.set(version, { group, version, kind, served: v.served === true, storage: v.storage === true, schema });
    }
    byGroupKind.set(groupKindKey(group, kind), versions);
  }
  return {
    versionsOf: (group, kind) => byGroupKind.get(groupKindKey(group, kind)),
    list: () =>
      [...byGroupKind.values()].flatMap((vs) =>
        [...vs.values()].map(({ group, version, kind, served, storage }) => ({ group, version, kind, served, storage })),
      ),
  };
}
