// The collectors the exporter sends to, with every default filled in, so it
// never needs to know that `host`/`port` and [[agent.ipfix.collectors]] are
// two spellings of the same thing.

export const IPFIX_DEFAULT_HOST = "::1";
export const IPFIX_DEFAULT_PORT = 4739; // IANA's port for IPFIX

/** A local source address and port; "" / 0 leave the choice to the kernel. */
export interface IpfixBind {
  host: string;
  port: number;
}

export interface IpfixTarget {
  host: string;
  port: number;
  /** null: no bind, the kernel picks the source address and port. */
  bind: IpfixBind | null;
  observation_domain_id: number;
}

interface WrittenIpfix {
  host: string;
  port: number;
  bind: IpfixBind;
  observation_domain_id: number;
  collectors: readonly { host: string; port: number; bind?: IpfixBind | undefined; observation_domain_id?: number | undefined }[];
}

function bindOrNull(bind: IpfixBind): IpfixBind | null {
  return bind.host === "" && bind.port === 0 ? null : { host: bind.host, port: bind.port };
}

/** Whether the single `host`/`port` form names a collector. */
export function singleFormSet(ipfix: { host: string; port: number }): boolean {
  return ipfix.host !== "" || ipfix.port !== 0;
}

/**
 * The single form first (when set), then each [[agent.ipfix.collectors]] in
 * file order. A collector without its own bind uses agent.ipfix.bind.
 */
export function ipfixTargets(ipfix: WrittenIpfix): IpfixTarget[] {
  const sharedBind = bindOrNull(ipfix.bind);
  const targets: IpfixTarget[] = [];
  if (singleFormSet(ipfix)) {
    targets.push({
      host: ipfix.host || IPFIX_DEFAULT_HOST,
      port: ipfix.port || IPFIX_DEFAULT_PORT,
      bind: sharedBind,
      observation_domain_id: ipfix.observation_domain_id,
    });
  }
  for (const collector of ipfix.collectors) {
    targets.push({
      host: collector.host,
      port: collector.port,
      bind: collector.bind === undefined ? sharedBind : bindOrNull(collector.bind),
      observation_domain_id: collector.observation_domain_id ?? ipfix.observation_domain_id,
    });
  }
  return targets;
}
