/** PEM text of a DER block (RFC 7468): base64 in lines of 64, between BEGIN/END lines naming `label`. */
export function derToPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
