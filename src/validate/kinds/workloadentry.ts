import { readNumber, readNumberMap, readString, readStringMap, type JsonObject } from '../decode.js';
import { ValidationResult, type KindValidator } from '../result.js';
import { goQuote } from '../../go/strconv.js';
import { isIP } from '../../go/netip.js';
import { validateFQDN } from '../common/hosts.js';
import { validateLabels } from '../common/labels.js';
import { validateUnixAddress } from '../common/net.js';
import { validatePort, validatePortName } from '../common/ports.js';

const UNIX_PREFIX = 'unix://';

export interface WorkloadEntryFields {
  address: string;
  network: string;
  ports: Record<string, number>;
  labels: Record<string, string> | undefined;
}

export function readWorkloadEntry(o: JsonObject): WorkloadEntryFields {
  const address = readString(o, 'address') ?? '';
  const network = readString(o, 'network') ?? '';
  const ports = readNumberMap(o, 'ports', 'uint32') ?? {};
  const labels = readStringMap(o, 'labels');
  readString(o, 'locality');
  readNumber(o, 'weight', 'uint32');
  readString(o, 'serviceAccount');
  return { address, network, ports, labels };
}

/** validateWorkloadEntry as the WorkloadEntry kind calls it: FQDN addresses allowed, no SE ports. */
export function checkWorkloadEntry(we: WorkloadEntryFields): ValidationResult {
  const res = new ValidationResult();
  const addr = we.address;
  if (addr === '') {
    if (we.network === '') return res.addError('address is required');
    res.addWarning(`address is unset with network ${goQuote(we.network)}`);
  }
  if (addr.startsWith(UNIX_PREFIX)) {
    res.addError(validateUnixAddress(addr.slice(UNIX_PREFIX.length)));
    if (Object.keys(we.ports).length !== 0) res.addError(`unix endpoint ${addr} must not include ports`);
  } else if (addr !== '' && !isIP(addr) && validateFQDN(addr) !== undefined) {
    res.addError(`endpoint address ${goQuote(addr)} is not a valid FQDN or an IP address`);
  }
  for (const [name, port] of Object.entries(we.ports)) {
    res.addError(validatePortName(name));
    res.addError(validatePort(port));
  }
  res.addErrTree(validateLabels(we.labels));
  return res;
}

export const validateWorkloadEntry: KindValidator = (spec) => checkWorkloadEntry(readWorkloadEntry(spec));
