// The common format's text: RustFlow's CSV header and column order, unset
// fields omitted from JSON and empty in CSV, nanosecond times exact.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { CommonCsv } from "../../src/collect/format/common-csv.js";
import { CommonNdjson } from "../../src/collect/format/common-ndjson.js";
import { nsText } from "../../src/collect/format/ns-text.js";
import { parseAddress } from "../../src/net/address.js";
import type { FlowRecord } from "../../src/flow-record/index.js";

const text = (b: Uint8Array | string) => (typeof b === "string" ? b : Buffer.from(b).toString("utf8"));

const HEADER =
  "flow_type,time_received_ns,sequence_num,sampling_rate,sampler_address,time_flow_start_ns,time_flow_end_ns,bytes,packets,src_addr,dst_addr,src_mac,dst_mac,etype,proto,src_port,dst_port,in_if,out_if,ip_tos,ip_ttl,tcp_flags,icmp_type,icmp_code,ipv6_flow_label,fragment_id,fragment_offset,src_as,dst_as,next_hop,src_net,dst_net,bgp_next_hop,src_vlan,dst_vlan,observation_domain_id,template_id";

const record: FlowRecord = {
  flowType: "IPFIX", receivedMs: 1_796_683_982_109, receivedNs: 847_873, sequence: 7, samplerAddress: "192.0.2.9", startMs: 1_700_000_000_001.5, endMs: 1_700_000_000_002,
  bytes: 1500, packets: 3, family: 6, src: parseAddress("2001:db8::1"), dst: parseAddress("2001:db8::2"), proto: 17, sport: 53, dport: 4242, srcMac: "00:1b:21:aa:bb:cc",
  etype: 0x86dd, observationDomainId: 1, templateId: 256, enriched: { city: "Zürich, \"old\" town" },
};

describe("common format", () => {
  test("CSV: RustFlow's header, then enrichment columns; unset fields empty; quoting only where needed", () => {
    const csv = new CommonCsv(["city"]);
    assert.equal(csv.begin(), `${HEADER},city\n`);
    assert.equal(
      text(csv.encode([record])),
      'IPFIX,1796683982109847873,7,,192.0.2.9,1700000000001500000,1700000000002000000,1500,3,2001:db8::1,2001:db8::2,00:1b:21:aa:bb:cc,,34525,17,53,4242,,,,,,,,,,,,,,,,,,,1,256,"Zürich, ""old"" town"\n',
    );
  });

  test("NDJSON: unset fields left out, times as exact integers, enrichment as strings", () => {
    const line = text(new CommonNdjson(["city"]).encode([record]));
    assert.equal(
      line,
      '{"flow_type":"IPFIX","time_received_ns":1796683982109847873,"sequence_num":7,"sampler_address":"192.0.2.9","time_flow_start_ns":1700000000001500000,"time_flow_end_ns":1700000000002000000,' +
        '"bytes":1500,"packets":3,"src_addr":"2001:db8::1","dst_addr":"2001:db8::2","src_mac":"00:1b:21:aa:bb:cc","etype":34525,"proto":17,"src_port":53,"dst_port":4242,"observation_domain_id":1,"template_id":256,"city":"Zürich, \\"old\\" town"}\n',
    );
    assert.doesNotThrow(() => JSON.parse(line));
  });

  test("nanosecond text from milliseconds: exact where a double of nanoseconds would not be", () => {
    assert.equal(nsText(1_796_683_982_109, 847_873), "1796683982109847873");
    assert.equal(nsText(1_700_000_000_000.75), "1700000000000750000");
    assert.equal(nsText(0.9999999), "1000000", "a fraction that rounds to a whole ms carries");
    assert.equal(nsText(0, 5), "5");
    assert.equal(nsText(-1), "-1000000");
  });
});
