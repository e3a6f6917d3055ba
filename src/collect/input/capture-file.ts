// The capture-file input (`--pcap FILE`): classic pcap or pcapng read in
// large pieces, every UDP datagram of any port handed on in batches with the
// capture's own timestamps as its arrival time. Frames that hold no UDP
// datagram are counted by reason; a damaged file ends the input with the
// reason, every datagram before the damage delivered.
import { open } from "node:fs/promises";
import { CaptureDecoder, type CaptureError, type CapturePacket } from "../../pcap/index.js";
import type { Datagram } from "../datagram.js";
import { IpReassembly, type ReassemblyStats } from "./ip-reassembly.js";
import { udpInFrame, type FrameSkip } from "./udp-in-frame.js";

const BATCH_DATAGRAMS = 64;

export interface CaptureFileStats {
  frames: number;
  datagrams: number;
  octetsRead: number;
  fileOctets: number;
  skipped: Record<FrameSkip, number>;
  reassembly: ReassemblyStats;
  /** Set when the file is damaged or cut short. */
  error?: CaptureError;
}

export interface CaptureFileOptions {
  /** Called with each piece's datagrams; views into a buffer reused after the call returns. */
  onDatagrams: (datagrams: readonly Datagram[]) => void | Promise<void>;
  /** Called after each piece with the octets read so far (a progress bar). */
  onProgress?: (octetsRead: number, fileOctets: number) => void;
  /** Octets read at a time (default 4 MiB; a record or block must fit). */
  pieceOctets?: number;
  /** Checked between pieces: true ends the reading early (a signal). */
  stopped?: () => boolean;
}

export async function readCaptureFile(path: string, opts: CaptureFileOptions): Promise<CaptureFileStats> {
  const file = await open(path, "r");
  const reassembly = new IpReassembly();
  const stats: CaptureFileStats = {
    frames: 0, datagrams: 0, octetsRead: 0, fileOctets: (await file.stat()).size,
    skipped: { link_type: 0, not_ip: 0, not_udp: 0, truncated: 0, fragment: 0 }, reassembly: reassembly.stats,
  };
  try {
    const buffer = new Uint8Array(opts.pieceOctets ?? 4 << 20);
    const decoder = new CaptureDecoder();
    const packets: CapturePacket[] = [];
    const datagrams: Datagram[] = [];
    let held = 0; // octets at the front of `buffer` not yet used
    for (;;) {
      const { bytesRead } = await file.read(buffer, held, buffer.length - held, null);
      stats.octetsRead += bytesRead;
      const piece = buffer.subarray(0, held + bytesRead);
      packets.length = 0;
      const used = decoder.decode(piece, packets);
      datagrams.length = 0;
      for (const p of packets) {
        stats.frames++;
        const u = udpInFrame(p.linkType, p.data, reassembly);
        if (typeof u === "string") {
          stats.skipped[u]++;
          continue;
        }
        const ms = p.tsSec * 1000 + Math.floor(p.tsNsec / 1e6);
        datagrams.push({ bytes: u.payload, exporter: u.source, exporterPort: u.sourcePort, receivedMs: ms, receivedNs: p.tsNsec % 1e6 });
        // Batches of tens of datagrams, as the UDP input makes them: a batch's records then
        // die young (a batch of 256 datagrams, ~7,700 records, outlived the young generation
        // and was copied into the old one; bench/collect ran a third faster at 64).
        if (datagrams.length === BATCH_DATAGRAMS) {
          stats.datagrams += datagrams.length;
          await opts.onDatagrams(datagrams);
          datagrams.length = 0;
        }
      }
      stats.datagrams += datagrams.length;
      if (datagrams.length > 0) await opts.onDatagrams(datagrams);
      opts.onProgress?.(stats.octetsRead, stats.fileOctets);
      held = piece.length - used;
      if (opts.stopped?.()) return stats;
      if (bytesRead === 0 || decoder.failure) {
        const error = decoder.end(held);
        if (error) stats.error = error;
        return stats;
      }
      if (held === buffer.length) {
        stats.error = { code: "bad_block_length", offset: stats.octetsRead - held, message: `a record or block larger than ${buffer.length} octets` };
        return stats;
      }
      buffer.copyWithin(0, used, piece.length);
    }
  } finally {
    await file.close();
  }
}
