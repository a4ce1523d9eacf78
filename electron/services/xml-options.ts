/**
 * How the services read Azure's XML documents (DriveManifest.xml, the copy logs): attributes kept as `@_name`, and
 * every value left as the text it is — a drive id or an MD5 that looks like a number must not become one. Disk
 * Prep's read-back, the import verify and the sandbox datacenter parse with the same options.
 */
import type { X2jOptions } from 'fast-xml-parser';

export const XML_AS_TEXT = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
} as const satisfies Partial<X2jOptions>;
