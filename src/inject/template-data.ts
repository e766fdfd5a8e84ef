import { goStruct, type GoStruct } from '../gotemplate/values.js';
import type { JsonObject } from '../k8s/json.js';
import { isJsonObject } from '../k8s/json.js';
import { k8sView, meshView, protoView } from './go-view.js';
import { proxyImage, proxyInitImage } from './images.js';
import type { InjectionParams, InjectionSettings } from './types.js';

/**
 * SidecarTemplateData: what `.` is in Istio's injection templates. Field names and Go types are
 * Istio's, so customised templates written for istiod run unchanged.
 */
/**
 * Views that depend only on the settings are built once per configuration, not per pod: the mesh,
 * and the ProxyConfig of every pod without its own proxy.istio.io/config.
 */
const settingsViews = new WeakMap<InjectionSettings, { mesh: GoStruct; defaultProxyConfig: GoStruct }>();
function viewsOf(settings: InjectionSettings) {
  let v = settingsViews.get(settings);
  if (!v) {
    v = { mesh: meshView(settings.mesh), defaultProxyConfig: protoView('ProxyConfig', settings.mesh.defaultConfig) };
    settingsViews.set(settings, v);
  }
  return v;
}

export function buildTemplateData(settings: InjectionSettings, params: InjectionParams, stripped: JsonObject) {
  const views = viewsOf(settings);
  const metadata = isJsonObject(stripped.metadata) ? stripped.metadata : {};
  const annotations = isJsonObject(metadata.annotations) ? (metadata.annotations as Record<string, string>) : {};
  const inbound = settings.mesh.inboundTrafficPolicy;
  const inboundMode = isJsonObject(inbound as JsonObject) && (inbound as JsonObject).mode === 'LOCALHOST' ? 'localhost' : 'passthrough';
  return goStruct('*inject.SidecarTemplateData', {
    TypeMeta: goStruct('v1.TypeMeta', { Kind: params.typeMeta.kind, APIVersion: params.typeMeta.apiVersion }),
    DeploymentMeta: goStruct('types.NamespacedName', { Namespace: params.deployMeta.namespace, Name: params.deployMeta.name }),
    ObjectMeta: k8sView('ObjectMeta', metadata),
    Spec: k8sView('PodSpec', stripped.spec),
    ProxyConfig: params.proxyConfig === settings.mesh.defaultConfig ? views.defaultProxyConfig : protoView('ProxyConfig', params.proxyConfig),
    MeshConfig: views.mesh,
    Values: settings.values,
    Revision: settings.revision,
    NativeSidecars: params.nativeSidecars ?? settings.nativeSidecars,
    ProxyImage: proxyImage(settings.values, params.proxyConfig.image, annotations),
    ProxyInitImage: proxyInitImage(settings.values, annotations),
    ProxyUID: params.proxyUID,
    ProxyGID: params.proxyGID,
    InboundTrafficPolicyMode: inboundMode,
    CompliancePolicy: settings.compliancePolicy,
  });
}
