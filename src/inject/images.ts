import { formatValue } from '../gotemplate/fmt.js';
import { isPlainObject } from './settings/proto-fields.js';

const KNOWN_IMAGE_TYPES = ['distroless', 'debug'];
const IMAGE_TYPE_ANNOTATION = 'sidecar.istio.io/proxyImageType';

function global(values: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(values.global) ? values.global : {};
}

function nested(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = o[key];
  return isPlainObject(v) ? v : {};
}

/** inject.updateImageTypeIfPresent: swap a known -distroless/-debug tag suffix for the wanted type. */
function withImageType(tag: string, imageType: string): string {
  if (imageType === '') return tag;
  let t = tag;
  for (const known of KNOWN_IMAGE_TYPES) {
    if (t.endsWith(`-${known}`)) {
      t = t.slice(0, -(known.length + 1));
      break;
    }
  }
  return imageType === 'default' ? t : `${t}-${imageType}`;
}

function imageUrl(values: Record<string, unknown>, name: string, imageType: string, annotations: Record<string, string>): string {
  const g = global(values);
  // The tag may be a number in values (tag: 1.24); Go prints it with %v.
  const tag = g.tag === undefined || g.tag === null ? '' : formatValue(g.tag);
  let type = imageType === '' ? (typeof g.variant === 'string' ? g.variant : '') : imageType;
  if (Object.prototype.hasOwnProperty.call(annotations, IMAGE_TYPE_ANNOTATION)) type = annotations[IMAGE_TYPE_ANNOTATION]!;
  const hub = typeof g.hub === 'string' ? g.hub : '';
  return `${hub}/${name}:${withImageType(tag, type)}`;
}

/** inject.ProxyImage: hub/<global.proxy.image|proxyv2>:<tag>, image type from annotation > ProxyConfig.image > variant. */
export function proxyImage(values: Record<string, unknown>, proxyConfigImage: unknown, annotations: Record<string, string>): string {
  const img = nested(global(values), 'proxy').image;
  const name = typeof img === 'string' && img !== '' ? img : 'proxyv2';
  const type = isPlainObject(proxyConfigImage) && typeof proxyConfigImage.imageType === 'string' ? proxyConfigImage.imageType : '';
  return imageUrl(values, name, type, annotations);
}

/** inject.ProxyInitImage: like proxyImage with global.proxy_init.image, no ProxyConfig image type. */
export function proxyInitImage(values: Record<string, unknown>, annotations: Record<string, string>): string {
  const img = nested(global(values), 'proxy_init').image;
  const name = typeof img === 'string' && img !== '' ? img : 'proxyv2';
  return imageUrl(values, name, '', annotations);
}
