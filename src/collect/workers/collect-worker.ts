// One collector worker thread (`--workers N`): its own socket on the shared
// port (SO_REUSEPORT: the kernel keeps each exporter on one socket, so its
// templates stay with one worker), its own decode, normalise and enrich
// stages, and the encoding; the process writes the bytes. Counters go to
// the process every second and once more when the worker stops.
import { parentPort, workerData } from "node:worker_threads";
import { Collector } from "../collector.js";
import { loadIeMapping } from "../decode/ie-mapping.js";
import { openEnrichment } from "../enrich/open-enrichment.js";
import { selectFormat } from "../format/select.js";
import { UdpListener } from "../input/udp-listener.js";
import { ChunkPoster } from "./chunk-poster.js";
import type { FromWorker, ToWorker, WorkerCounters, WorkerSettings } from "./messages.js";
import type { FlowRecord } from "../../flow-record/index.js";
import type { DecodedDatagram } from "../decode/flow-decoder.js";
import { enrichColumnNames } from "../enrich/enrich-spec.js";

const port = parentPort!;
const s = workerData as WorkerSettings;
const send = (m: FromWorker) => port.postMessage(m);

async function main(): Promise<void> {
  const mapping = s.ieMapping !== undefined ? loadIeMapping(s.ieMapping) : undefined;
  const enrichment = await openEnrichment({ enrich: s.enrich });
  const f = await selectFormat(s.format, s.serialization, enrichColumnNames(s.enrich));
  const interval = s.intervalMs;
  const output =
    f.kind === "raw"
      ? { kind: "raw" as const, writer: f.format ? new ChunkPoster<DecodedDatagram>(f.format, port, (d) => d.datagram.receivedMs, interval) : undefined }
      : { kind: "common" as const, writer: f.format ? new ChunkPoster<FlowRecord>(f.format, port, (r) => r.receivedMs ?? Date.now(), interval) : undefined };
  const collector = new Collector({
    protocol: s.protocol, output, renormalize: s.renormalize, templateTimeoutMs: s.templateTimeoutMs,
    ...(mapping ? { mapping } : {}), ...(enrichment ? { enrichment: enrichment.stage } : {}),
  });
  const listener = UdpListener.open({ host: s.host, port: s.port, reusePort: true, onDatagrams: (b) => collector.handle(b), onError: (e) => process.stderr.write(`rfm collect: ${e.message}\n`) });
  const counters = (): WorkerCounters => {
    const st = listener.stats();
    return {
      datagrams: collector.stats.datagrams, octets: collector.stats.octets, records: { ...collector.stats.records }, errors: new Map(collector.stats.errors),
      exporters: collector.exporters.byExporter, templates: { size: collector.decoder.templates.size, evictions: collector.decoder.templates.stats.evictions },
      held: collector.held(),
      kernelDrops: st.socket.kernelDrops, queueDrops: st.queueDrops, undrainedBytes: listener.undrainedBytes,
    };
  };
  const timer = setInterval(() => send({ type: "counters", counters: counters() }), 1000);
  send({ type: "listening", ...listener.address });
  port.on("message", (m: ToWorker) => {
    if (m.type !== "stop") return;
    void (async () => {
      clearInterval(timer);
      await listener.close();
      await collector.close();
      await enrichment?.close();
      send({ type: "stopped", counters: counters() });
      port.close();
    })();
  });
}

main().catch((e: unknown) => {
  send({ type: "failed", message: (e as Error).message });
  port.close();
});
