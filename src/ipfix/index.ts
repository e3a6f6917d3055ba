// The IPFIX codec (RFC 7011, RFC 7012): pure functions and classes over bytes,
// shared by the agent (MessageBuilder, FlowRecordEncoder), the collector
// (decodeMessage, TemplateCache) and test generators (encodeMessage).
export { VARIABLE_LENGTH, defaultLength, isValidLength, type AbstractType, type FieldInput, type FieldValue } from "./abstract-types.js";
export type { ElementLookup, InformationElement, Semantics } from "./information-element.js";
export { IANA_ELEMENTS, elementById, elementByName } from "./registry.generated.js";
export { checkTemplate, enterpriseField, field, fieldName, fieldType, type FieldSpec, type Template } from "./template.js";
export { RecordWriter } from "./record-writer.js";
export { DEFAULT_MAX_MESSAGE_SIZE, MessageBuilder, type MessageBuilderOptions, type TemplateHandle } from "./message-builder.js";
export { encodeMessage, type DataSetSpec, type MessageSpec, type SetSpec, type TemplateSetSpec } from "./message-encoder.js";
export { decodeMessage, type DecodeOptions, type DecodedDataSet, type DecodedMessage, type DecodedSet } from "./message-decoder.js";
export type { DecodedTemplateSet, TemplateWithdrawal } from "./template-set-decoder.js";
export { ianaLookup, type DecodedTemplate, type TemplateField } from "./decoded-template.js";
export { ianaLookupWithV9Compat } from "./netflow-v9-compat.js";
export type { DecodeError, DecodeErrorCode } from "./decode-error.js";
export { TemplateCache, type CachedTemplate, type TemplateCacheOptions } from "./template-cache.js";
export type { MessageHeader } from "./wire.js";
