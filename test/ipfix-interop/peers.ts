// The independent IPFIX implementations the agent's export is checked
// against, run on the host loopback as lab processes (killed by the lab's
// cleanup if a test fails before stopping them):
// - nfdump's nfcapd, read back with `nfdump -o json` once stopped (SIGTERM
//   makes it close its file);
// - pmacct's nfacctd with the print plugin writing JSON lines every second
//   (stopped with SIGINT: its core ignores SIGTERM);
// - tshark capturing the export on lo, then decoding the capture as cflow.
import { createSocket } from "node:dgram";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST_NS, type ExecResult, type Netns, type NetnsProcess } from "../harness/exec.js";
import type { Lab } from "../harness/lab.js";
import { until } from "../agent/agent-lab.js";
import { udpSocketCounters, type UdpSocketCounters } from "../harness/udp-sockets.js";

/** A UDP port on 127.0.0.1 that nobody has bound right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(proc: NetnsProcess, what: string, ready: () => boolean, timeoutMs = 10_000): Promise<void> {
  await until(() => ready() || !proc.isRunning, timeoutMs, what);
  if (!proc.isRunning) throw new Error(`${proc.argv.join(" ")} exited before ${what}: ${proc.stderr().trim()} ${proc.stdout().trim()}`);
}

/** Signals a peer and waits for it; SIGKILL after `graceMs`. */
async function stopProcess(proc: NetnsProcess, signal: NodeJS.Signals, graceMs = 5000): Promise<ExecResult> {
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** One flow as `nfdump -o json` prints it (the keys used here). */
export interface NfdumpFlow {
  first: string;
  last: string;
  in_packets: number;
  in_bytes: number;
  proto: number;
  /** TCP and UDP; ICMP flows have icmp_type and icmp_code instead. */
  src_port?: number;
  dst_port?: number;
  icmp_type?: number;
  icmp_code?: number;
  src4_addr?: string;
  dst4_addr?: string;
  src6_addr?: string;
  dst6_addr?: string;
  input_snmp?: number;
  output_snmp?: number;
  direction?: number;
  sampled?: number;
  ip4_router?: string;
  ip6_router?: string;
}

export interface NfcapdOutput {
  flows: NfdumpFlow[];
  /** "Process_ipfix: New ipfix exporter: ... Observation domain N from: IP" lines. */
  exporters: { domain: number; from: string }[];
  /** The summary nfcapd prints when it stops. */
  summary: { flows: number; packets: number; bytes: number; sequenceErrors: number; badPackets: number } | undefined;
  /** Datagrams the kernel dropped at nfcapd's socket (its receive buffer was full). */
  socketDrops: number;
  stderr: string;
}

/** What `nfdump -o raw` says of one flow that `-o json` does not: its flowEndReason. */
export interface NfdumpEnd {
  src: string;
  sport: number;
  endReason: number;
}

export class Nfcapd {
  private constructor(private readonly lab: Lab, readonly proc: NetnsProcess, readonly dir: string, readonly port: number, private readonly ns: Netns) {}

  /**
   * nfcapd writing to `dir`, listening on 127.0.0.1:port (of namespace `ns`,
   * the test's own by default); `extra` goes on its command line (`-B BYTES`:
   * receive buffer).
   */
  static async start(lab: Lab, dir: string, port: number, extra: string[] = [], ns: Netns = HOST_NS): Promise<Nfcapd> {
    mkdirSync(dir, { recursive: true });
    const proc = lab.spawn(ns, ["nfcapd", "-w", dir, "-b", "127.0.0.1", "-p", String(port), ...extra]);
    await waitFor(proc, "nfcapd startup", () => proc.stderr().includes("Startup nfcapd"));
    return new Nfcapd(lab, proc, dir, port, ns);
  }

  /** nfcapd's socket counters, read in its namespace (`ip netns exec` execs nfcapd: the pid is its own). */
  private socket(): UdpSocketCounters | undefined {
    return udpSocketCounters(this.port, this.ns === HOST_NS ? undefined : this.proc.pid);
  }

  /**
   * Once nfcapd has read every datagram sent to it (its socket's queue is
   * empty), SIGTERM (nfcapd closes its file), then everything nfdump reads
   * back (`flows: false` leaves the flows to endReasons()).
   */
  async stop(opts: { flows?: boolean } = {}): Promise<NfcapdOutput> {
    await until(() => !this.proc.isRunning || this.socket()?.rxQueue === 0, 10_000, "nfcapd to read its socket empty");
    const socketDrops = this.socket()?.drops ?? 0;
    const r = await stopProcess(this.proc, "SIGTERM");
    const exporters = [...r.stderr.matchAll(/Observation domain (\d+) from: (\S+)/g)].map((m) => ({ domain: Number(m[1]), from: m[2] }));
    const s = /Flows: (\d+), Packets: (\d+), Bytes: (\d+), Sequence Errors: (\d+), Bad Packets: (\d+)/.exec(r.stderr);
    const summary = s ? { flows: Number(s[1]), packets: Number(s[2]), bytes: Number(s[3]), sequenceErrors: Number(s[4]), badPackets: Number(s[5]) } : undefined;
    return { flows: opts.flows === false ? [] : await this.read(), exporters, summary, socketDrops, stderr: r.stderr };
  }

  /** Source, source port and flowEndReason of every stored flow, from `nfdump -o raw` (after stop). */
  async endReasons(): Promise<NfdumpEnd[]> {
    const r = await this.lab.execOk(HOST_NS, ["sh", "-c", `nfdump -R '${this.dir}' -o raw | grep -E '^ +(src addr|src port|end reason) +='`], { timeoutMs: 60_000 });
    const out: NfdumpEnd[] = [];
    let src = "";
    let sport = -1;
    // Each record prints src port, then src addr, then end reason.
    for (const line of r.stdout.split("\n")) {
      const m = /^ +(src addr|src port|end reason) += +(\S+)/.exec(line);
      if (!m) continue;
      if (m[1] === "src port") sport = Number(m[2]);
      else if (m[1] === "src addr") src = m[2]!;
      else out.push({ src, sport, endReason: parseInt(m[2]!, 16) });
    }
    return out;
  }

  private async read(): Promise<NfdumpFlow[]> {
    if (readdirSync(this.dir).length === 0) return [];
    const r = await this.lab.execOk(HOST_NS, ["nfdump", "-R", this.dir, "-o", "json"]);
    if (/No matching flows/.test(r.stdout)) return [];
    return JSON.parse(r.stdout) as NfdumpFlow[];
  }
}

/** Source and destination of an nfdump flow, whatever its family. */
export function nfAddresses(f: NfdumpFlow): { src: string; dst: string } {
  return { src: f.src4_addr ?? f.src6_addr ?? "", dst: f.dst4_addr ?? f.dst6_addr ?? "" };
}

/** One line of nfacctd's JSON print output (aggregated on the 5-tuple, the domain and the exporter). */
export interface PmacctFlow {
  ip_src: string;
  ip_dst: string;
  port_src: number;
  port_dst: number;
  ip_proto: string;
  export_proto_sysid: number;
  peer_ip_src: string;
  packets: number;
  bytes: number;
}

export class Nfacctd {
  private constructor(readonly proc: NetnsProcess, readonly dir: string, readonly port: number) {}

  get output(): string {
    return join(this.dir, "flows.json");
  }

  /** nfacctd on 127.0.0.1:port, printing what it aggregated every second to DIR/flows.json. */
  static async start(lab: Lab, dir: string, port: number, extra: string[] = []): Promise<Nfacctd> {
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, "nfacctd.conf");
    const logfile = join(dir, "nfacctd.log");
    writeFileSync(
      conf,
      [
        "daemonize: false",
        "nfacctd_ip: 127.0.0.1",
        `nfacctd_port: ${port}`,
        "nfacctd_time_new: true",
        `logfile: ${logfile}`,
        "plugins: print[out]",
        "aggregate[out]: src_host, dst_host, src_port, dst_port, proto, export_proto_sysid, peer_src_ip",
        "print_output[out]: json",
        `print_output_file[out]: ${join(dir, "flows.json")}`,
        "print_output_file_append[out]: true",
        "print_refresh_time[out]: 1",
        ...extra,
        "",
      ].join("\n"),
    );
    const proc = lab.spawn(HOST_NS, ["nfacctd", "-f", conf]);
    const log = () => (existsSync(logfile) ? readFileSync(logfile, "utf8") : "");
    await waitFor(proc, "nfacctd listening", () => log().includes("waiting for NetFlow/IPFIX data"));
    return new Nfacctd(proc, dir, port);
  }

  /** Everything printed so far, lines of the same key summed (one flow may span two refreshes). */
  flows(): PmacctFlow[] {
    if (!existsSync(this.output)) return [];
    const byKey = new Map<string, PmacctFlow>();
    for (const line of readFileSync(this.output, "utf8").split("\n")) {
      if (!line.trim()) continue;
      let f: PmacctFlow;
      try {
        f = JSON.parse(line) as PmacctFlow;
      } catch {
        continue; // a line still being written
      }
      const key = [f.ip_src, f.ip_dst, f.port_src, f.port_dst, f.ip_proto, f.export_proto_sysid, f.peer_ip_src].join(" ");
      const seen = byKey.get(key);
      if (seen) {
        seen.packets += f.packets;
        seen.bytes += f.bytes;
      } else byKey.set(key, { ...f });
    }
    return [...byKey.values()];
  }

  async stop(): Promise<void> {
    await stopProcess(this.proc, "SIGINT");
  }
}

/** One IPFIX message in a capture, as tshark decoded it. */
export interface TsharkMessage {
  frame: number;
  /** Capture time, seconds since the epoch. */
  time: number;
  domain: number;
  sequence: number;
  /** Set IDs in order: 2 template, 3 options template, >= 256 data. */
  setIds: number[];
  /** Data records of the flow templates and the options template, by set ID, with tshark's field names. */
  records: { setId: number; fields: Record<string, unknown> }[];
  /** Template records (set 2): template ID and the IANA element IDs and lengths, in order. */
  templates: { id: number; fields: { type: number; length: number }[] }[];
}

export class TsharkCapture {
  private constructor(private readonly lab: Lab, readonly proc: NetnsProcess, readonly file: string, readonly port: number) {}

  /**
   * Captures UDP to `port` on lo (of namespace `ns`, the test's own by
   * default) into `file`; resolves once the capture runs. tshark prints
   * "Capturing on" before dumpcap has opened the interface (a datagram sent
   * then is missed); "Capture started" comes once it captures.
   */
  static async start(lab: Lab, file: string, port: number, ns: Netns = HOST_NS): Promise<TsharkCapture> {
    const proc = lab.spawn(ns, ["tshark", "-i", "lo", "-f", `udp port ${port}`, "-w", file]);
    await waitFor(proc, "tshark capture started", () => /Capture started/.test(proc.stderr() + proc.stdout()));
    return new TsharkCapture(lab, proc, file, port);
  }

  /**
   * Stops the capture once its file holds at least `frames` frames (the
   * datagrams sent to the port so far, say): what the kernel had not yet
   * handed to the capture when it stopped would be missing otherwise.
   */
  async stop(frames = 0): Promise<void> {
    await until(async () => (await this.frameCount()) >= frames, 10_000, `${frames} frames in the capture`);
    await stopProcess(this.proc, "SIGINT");
  }

  /** Frames written so far; tshark reads the file being written up to its last whole block. */
  private async frameCount(): Promise<number> {
    const r = await this.lab.exec(HOST_NS, ["tshark", "-r", this.file, "-T", "fields", "-e", "frame.number"]);
    return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
  }

  /**
   * Each frame's values of `fields` as tshark decodes the capture (cflow on
   * the capture's port): per frame, per field, every occurrence in order.
   */
  async fieldsPerFrame(fields: string[]): Promise<string[][][]> {
    const args = [...this.decodeArgs(), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;", ...fields.flatMap((f) => ["-e", f])];
    const r = await this.lab.execOk(HOST_NS, args);
    return r.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((line) => line.split("\t").map((v) => (v === "" ? [] : v.split(";"))));
  }

  private decodeArgs(): string[] {
    return ["tshark", "-r", this.file, "-d", `udp.port==${this.port},cflow`];
  }

  /** Frames tshark marks malformed or with an expert warning or error, and partial messages; [] when clean. */
  async problems(): Promise<string[]> {
    const flagged = await this.lab.execOk(HOST_NS, [
      ...this.decodeArgs(), "-Y", "_ws.malformed || _ws.expert.severity >= warning", "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message",
    ]);
    const info = await this.lab.execOk(HOST_NS, [...this.decodeArgs(), "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info"]);
    const partial = info.stdout.split("\n").filter((l) => /partial|malformed/i.test(l));
    return [...flagged.stdout.split("\n").filter((l) => l.trim()), ...partial];
  }

  async messages(): Promise<TsharkMessage[]> {
    const r = await this.lab.execOk(HOST_NS, [...this.decodeArgs(), "-T", "json", "--no-duplicate-keys", "-J", "frame cflow"], { timeoutMs: 60_000 });
    const packets = JSON.parse(r.stdout) as { _source: { layers: { frame: Record<string, string>; cflow?: Record<string, unknown> } } }[];
    return packets
      .filter((p) => p._source.layers.cflow)
      .map((p) => {
        const cflow = p._source.layers.cflow as Record<string, unknown>;
        const setIds: number[] = [];
        const records: TsharkMessage["records"] = [];
        const templates: TsharkMessage["templates"] = [];
        for (const [key, value] of Object.entries(cflow)) {
          const m = /^Set \d+ \[id=(\d+)\]/.exec(key);
          if (!m) continue;
          const setId = Number(m[1]);
          setIds.push(setId);
          if (setId === 2) templates.push(...templateRecords(value as Record<string, unknown>));
          if (setId < 256) continue;
          for (const [k, fields] of Object.entries(value as Record<string, unknown>)) {
            if (/^Flow \d+$/.test(k)) records.push({ setId, fields: flatten(fields as Record<string, unknown>) });
          }
        }
        return {
          frame: Number(p._source.layers.frame["frame.number"]),
          time: Number(p._source.layers.frame["frame.time_epoch"]),
          domain: Number(cflow["cflow.od_id"]),
          sequence: Number(cflow["cflow.sequence"]),
          setIds,
          records,
          templates,
        };
      });
  }
}

/** tshark nests some fields in "_tree" objects (times under cflow.timedelta_tree): one flat map. */
function flatten(o: Record<string, unknown>, out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, out);
    else out[k] = v;
  }
  return out;
}

function templateRecords(set: Record<string, unknown>): TsharkMessage["templates"] {
  const out: TsharkMessage["templates"] = [];
  for (const [key, value] of Object.entries(set)) {
    const m = /^Template \(Id = (\d+)/.exec(key);
    if (!m) continue;
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k.startsWith("Field ("))
      .map(([, f]) => {
        const o = f as Record<string, string>;
        return { type: Number(o["cflow.template_ipfix_field_type"]), length: Number(o["cflow.template_field_length"]) };
      });
    out.push({ id: Number(m[1]), fields });
  }
  return out;
}
