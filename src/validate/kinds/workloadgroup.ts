import { readMessage, readMessageList, readNumber, readString, readStringList, readStringMap, type JsonObject } from '../decode.js';
import { formatErr } from '../result.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { validateLabels } from '../common/labels.js';
import { validatePort } from '../common/ports.js';
import { readWorkloadEntry } from './workloadentry.js';

const PROBE_HEADER_NAME = /^[-A-Za-z0-9]+$/;

function probeHeaderNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (!PROBE_HEADER_NAME.test(name)) return `header name ${name} is not a valid header name`;
  return undefined;
}

/** validateReadinessProbe. Only one health-check method can be set (a proto oneof). */
function probeErrors(probe: JsonObject): ValidationResult {
  const res = new ValidationResult();
  const ints: Array<[string, string]> = [
    ['periodSeconds', 'periodSeconds must be non-negative'],
    ['initialDelaySeconds', 'initialDelaySeconds must be non-negative'],
    ['timeoutSeconds', 'timeoutSeconds must be non-negative'],
    ['successThreshold', 'successThreshold must be non-negative'],
    ['failureThreshold', 'failureThreshold must be non-negative'],
  ];
  for (const [key, msg] of ints) {
    const v = readNumber(probe, key, 'int32');
    if (v !== undefined && v < 0) res.addError(msg);
  }
  const httpGet = readMessage(probe, 'httpGet');
  const tcpSocket = readMessage(probe, 'tcpSocket');
  const exec = readMessage(probe, 'exec');
  const grpc = readMessage(probe, 'grpc');
  if (httpGet !== undefined) {
    res.addError(validatePort(readNumber(httpGet, 'port', 'uint32') ?? 0));
    readString(httpGet, 'path');
    readString(httpGet, 'host');
    const scheme = readString(httpGet, 'scheme') ?? '';
    if (scheme !== '' && scheme !== 'HTTPS' && scheme !== 'HTTP') {
      res.addError('httpGet.scheme must be one of "HTTPS", "HTTP"');
    }
    for (const h of readMessageList(httpGet, 'httpHeaders') ?? []) {
      readString(h, 'value');
      res.addError(probeHeaderNameError(readString(h, 'name') ?? ''));
    }
  } else if (tcpSocket !== undefined) {
    readString(tcpSocket, 'host');
    res.addError(validatePort(readNumber(tcpSocket, 'port', 'uint32') ?? 0));
  } else if (exec !== undefined) {
    if ((readStringList(exec, 'command') ?? []).length === 0) res.addError('exec.command is required');
  } else if (grpc !== undefined) {
    // Istio's switch has no gRPC case, so a gRPC probe falls into the default branch.
    res.addError('unknown health check method *v1alpha3.ReadinessProbe_Grpc');
  } else {
    res.addError('unknown health check method <nil>');
  }
  return res;
}

/** ValidateWorkloadGroup: the template address is deliberately not checked (it is filled in later). */
export const validateWorkloadGroup: KindValidator = (spec) => {
  const metadata = readMessage(spec, 'metadata');
  const labels = metadata === undefined ? undefined : readStringMap(metadata, 'labels');
  if (metadata !== undefined) readStringMap(metadata, 'annotations');
  const template = readMessage(spec, 'template');
  if (template !== undefined) readWorkloadEntry(template);
  const probe = readMessage(spec, 'probe');

  if (template === undefined) return ValidationResult.error('template is required');
  const le = validateLabels(labels);
  if (le !== undefined) return ValidationResult.error(`invalid labels: ${formatErr(le)}`);
  return probe === undefined ? new ValidationResult() : probeErrors(probe);
};
