// The flow record every pipeline shares, and why records end.
export { EndReason, END_REASON_NAMES, endReasonName } from "./end-reason.js";
export type { AgentFlowRecord, FlowRecord, FlowType } from "./flow-record.js";
