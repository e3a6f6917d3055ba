// The collector's enrichment as its settings ask: each `--enrich` spec's
// table loaded, and with `--bmp` the agent's BMP listener and RIB (global
// instance routes, distinguisher 0) as the origin AS source. Loaded only when
// asked: a collector without enrichment never loads the RIB, the BMP codec
// or the MaxMind reader.
import type { AddressEnricher } from "../../enrich/address-enricher.js";
import type { BmpListener } from "../../enrich/bmp-listener.js";
import type { Rib } from "../../rib/rib.js";
import type { ColumnSource } from "./column-source.js";
import type { EnrichSpec } from "./enrich-spec.js";
import type { ListenAddress } from "./listen-address.js";
import { RecordEnrichment } from "./record-enrichment.js";
import type { LogLine } from "./table-file.js";

export interface EnrichmentSettings {
  enrich?: readonly EnrichSpec[];
  bmp?: ListenAddress;
}

export interface OpenEnrichment {
  stage: RecordEnrichment;
  sources: readonly ColumnSource[];
  rib?: Rib;
  bmp?: BmpListener;
  /** Stops reloading, closes the BMP listener and its sessions. */
  close(): Promise<void>;
}

const stderrLine: LogLine = (line) => process.stderr.write(`rfm collect: ${line}\n`);

const hostPort = (a: ListenAddress) => (a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

/** Undefined when nothing is asked for; throws an Error naming the file or address that cannot be used. */
export async function openEnrichment(s: EnrichmentSettings, log: LogLine = stderrLine): Promise<OpenEnrichment | undefined> {
  const specs = s.enrich ?? [];
  if (specs.length === 0 && !s.bmp) return undefined;
  const sources: ColumnSource[] = [];
  let bmp: BmpListener | undefined;
  let rib: Rib | undefined;
  const close = async () => {
    for (const c of sources) c.close();
    if (!bmp || !rib) return;
    const st = bmp.stats;
    const p = rib.summary().prefixes;
    log(`bmp: ${st.sessions} sessions, ${st.messages} messages, ${st.problems + st.framingErrors} problems; RIB ${p.ipv4} IPv4 and ${p.ipv6} IPv6 prefixes`);
    await bmp.close();
  };
  try {
    if (specs.length > 0) {
      const { ColumnSource } = await import("./column-source.js");
      for (const spec of specs) sources.push(await ColumnSource.open(spec, log));
    }
    let asn: AddressEnricher | undefined;
    if (s.bmp) {
      const [{ Rib }, { BmpListener, RibAsnSource }, { ErrorCounters }, { AddressEnricher }] = await Promise.all([
        import("../../rib/rib.js"), import("../../enrich/bmp-listener.js"), import("../../metrics/errors.js"), import("../../enrich/address-enricher.js"),
      ]);
      rib = new Rib({ labelDistinguishers: [0n] });
      const listener = new BmpListener({ host: s.bmp.host, port: s.bmp.port, rib, errors: new ErrorCounters() });
      try {
        await listener.listen();
      } catch (e) {
        throw new Error(`--bmp ${hostPort(s.bmp)}: ${(e as Error).message}`);
      }
      bmp = listener;
      log(`bmp listening on ${hostPort(listener.address ?? s.bmp)}`);
      asn = new AddressEnricher([new RibAsnSource(rib)], undefined);
    }
    const stage = new RecordEnrichment({ columns: sources, ...(asn ? { asn } : {}) });
    return { stage, sources, ...(rib ? { rib } : {}), ...(bmp ? { bmp } : {}), close };
  } catch (e) {
    await close();
    throw e;
  }
}
