/**
 * How the services hand a script to powershell.exe: one quoting rule for literals and one way to pass the script.
 * Disk Prep (diskprep/windows-commands.ts), VSS snapshots (backup/vss.ts) and the agent's scheduled task
 * (policies/agent/unit-text.ts) build their scripts with these.
 */
import { AppError } from '../../shared/errors.ts';

/**
 * A PowerShell single-quoted string literal: nothing inside is expanded, and every character PowerShell reads as a
 * single quote (' and the typographic ‘ ’ ‚ ‛) is doubled. Control characters are refused: a line break would end
 * the statement.
 */
export function psQuote(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(s))
    throw new AppError(
      'VALIDATION',
      `PowerShell argument "${s.replace(/[\r\n]/g, ' ')}" contains a line break or control character.`,
    );
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, "''")}'`;
}

/** `powershell.exe` arguments running `script` with no quoting left to get wrong (-EncodedCommand: UTF-16LE, base64). */
export function powershellArgs(script: string): string[] {
  return [
    '-NoProfile',
    '-NonInteractive',
    '-ExecutionPolicy',
    'Bypass',
    '-EncodedCommand',
    Buffer.from(script, 'utf16le').toString('base64'),
  ];
}
