// What the decoder reports instead of throwing. Every problem says what was
// wrong, where (the offset in the BMP message), and what the decoder did about
// it, so a caller can count problems by code and by action.

/**
 * What was done about a problem, weakest first. The last three are the RFC 7606
 * approaches for a malformed UPDATE.
 */
export type ProblemAction =
  /** The offending part (a TLV, a capability, trailing octets) was skipped; the rest was decoded. */
  | "ignored"
  /** Nothing usable was decoded from the message (a Peer Up or Peer Down keeps its per-peer header). */
  | "message_discarded"
  /** RFC 7606: the attribute was dropped and the UPDATE processed without it. */
  | "attribute_discard"
  /** RFC 7606: every prefix the UPDATE announced became a withdrawal. */
  | "treat_as_withdraw"
  /**
   * RFC 7606: the UPDATE could not be trusted at all and the BGP session it came
   * from would be reset. Nothing in it is applied; the monitored router is
   * expected to report a Peer Down.
   */
  | "session_reset";

export type BmpProblemCode =
  // BMP.
  /** Too few octets for the common header, the per-peer header or a fixed field. */
  | "short_message"
  /** Version is not 3 (nothing else is decoded). */
  | "bad_version"
  /** The common header's length differs from the octets given. */
  | "length_mismatch"
  /** A message type RFC 7854 does not define. */
  | "unknown_message_type"
  /** An information or statistics TLV runs past its message: it and the rest are skipped. */
  | "tlv_overrun"
  /** A TLV whose length its type cannot have (a 3-octet termination reason): it is skipped. */
  | "bad_tlv_length"
  /** A statistics report whose count differs from the TLVs it holds. */
  | "stat_count_mismatch"
  /** A Peer Down reason RFC 7854 and RFC 9069 do not define, or data that does not fit its reason. */
  | "bad_peer_down_reason"
  /** A BGP message that is cut short, has a wrong marker or a length below 19. */
  | "bad_bgp_header"
  /** A BGP message of a type the BMP message cannot carry (an OPEN in Route Monitoring). */
  | "unexpected_bgp_type"
  /** Octets after the last thing a message should hold. */
  | "trailing_bytes"
  /** A Peer Up OPEN that cannot be read: the session's decode options fall back to defaults. */
  | "bad_open"
  /** One capability in an OPEN has a length or value its code cannot have: it is skipped. */
  | "bad_capability"
  // UPDATE structure (RFC 4271 section 6.3, RFC 7606 sections 3-5).
  /** Withdrawn Routes Length or Total Path Attribute Length runs past the message. */
  | "bad_update_lengths"
  /** A prefix in the Withdrawn Routes or NLRI field is longer than 32 bits or runs past the field. */
  | "bad_nlri"
  /** An attribute header or value runs past the path attributes. */
  | "attribute_overrun"
  /** An attribute other than MP_REACH/MP_UNREACH seen again: the later copy is dropped. */
  | "duplicate_attribute"
  /** MP_REACH_NLRI or MP_UNREACH_NLRI seen twice. */
  | "duplicate_mp_attribute"
  /** The Optional or Transitive bit disagrees with the attribute's definition. */
  | "bad_attribute_flags"
  /** ORIGIN or AS_PATH (or NEXT_HOP, for the NLRI field) absent from an UPDATE that announces routes. */
  | "missing_attribute"
  | "bad_origin"
  | "bad_as_path"
  | "bad_next_hop"
  | "bad_med"
  | "bad_local_pref"
  | "bad_atomic_aggregate"
  | "bad_aggregator"
  | "bad_communities"
  | "bad_large_communities"
  | "bad_as4_path"
  | "bad_as4_aggregator"
  /** AS_CONFED segments inside AS4_PATH (RFC 6793 section 6): those segments are dropped. */
  | "as4_path_confed"
  /** AS4_PATH or AS4_AGGREGATOR where AS numbers are already 4 octets (RFC 6793 section 4.1). */
  | "as4_from_new_speaker"
  /**
   * The AS_PATH did not parse with the AS number width the session implies but
   * did with the other one, which was then used (a speaker that rewrote paths
   * to 4 octets without saying so, or the reverse).
   */
  | "as_path_width_guessed"
  | "bad_mp_reach"
  | "bad_mp_unreach"
  /** RFC 7606 section 5.2: an UPDATE with attributes but no reachable NLRI and an error stronger than attribute discard. */
  | "no_nlri_with_error"
  /** A decoder bug caught at its boundary; tests fail on it. */
  | "internal_error";

export interface BmpProblem {
  code: BmpProblemCode;
  action: ProblemAction;
  /** Offset in the BMP message of the field at fault. */
  offset: number;
  message: string;
  /** The path attribute's type code, for attribute problems. */
  attributeType?: number;
}

export function problem(code: BmpProblemCode, action: ProblemAction, offset: number, message: string, attributeType?: number): BmpProblem {
  return attributeType === undefined ? { code, action, offset, message } : { code, action, offset, message, attributeType };
}

const STRENGTH: Record<ProblemAction, number> = {
  ignored: 0,
  message_discarded: 0,
  attribute_discard: 1,
  treat_as_withdraw: 2,
  session_reset: 3,
};

/** RFC 7606 section 3(h): with several errors the strongest approach wins. */
export function strongerAction(a: ProblemAction, b: ProblemAction): ProblemAction {
  return STRENGTH[b] > STRENGTH[a] ? b : a;
}
