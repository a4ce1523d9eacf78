/**
 * The disks a job can be copied to: serial, model, size, bus, status and warnings. Refused disks (system/boot disk,
 * the staging disk, another job's disk, read-only) are disabled with the reason; USB and > 10 TB disks carry a
 * warning; folder disks are labelled as rehearsal disks.
 * data-testid: disks-table, disk-row-<serial> (data-selectable, data-selected), disk-select-<serial>,
 * disk-reason-<serial>, disk-warnings-<serial>, disk-rehearsal-<serial>, disk-key-<serial> (the "Already
 * BitLocker-encrypted…" action), disk-keeps-<serial> (the disk keeps its volume: key given, shown masked)
 */
import {
  Badge,
  Button,
  Checkbox,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { LockClosedRegular, WarningRegular } from '@fluentui/react-icons';
import type { DiskInfo } from '../../../../shared/contract/diskprep.ts';
import { formatBytes } from '../../components/format.ts';
import { diskRow, maskRecoveryPassword } from './disk-rules.ts';

export interface DisksTableProps {
  disks: readonly DiskInfo[];
  selected: readonly string[];
  onToggle: (id: string) => void;
  disabled?: boolean;
  /** Recovery passwords given for disks that are already BitLocker-encrypted (disk id → key; shown masked). */
  bitLockerKeys?: Readonly<Record<string, string>>;
  /** Shows "Already BitLocker-encrypted…" on the selected disks (or on every selectable one with `keyActionOnAll`). */
  onBitLockerKey?: (id: string) => void;
  keyActionOnAll?: boolean;
}

export function DisksTable({
  disks,
  selected,
  onToggle,
  disabled,
  bitLockerKeys,
  onBitLockerKey,
  keyActionOnAll,
}: DisksTableProps) {
  if (!disks.length)
    return (
      <Text data-testid="disks-empty" italic>
        No disks found. Attach a disk (SATA or SSD) — or add a rehearsal folder disk to try the flow.
      </Text>
    );
  return (
    <Table data-testid="disks-table" aria-label="Disks" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell style={{ width: 44 }}>Use</TableHeaderCell>
          <TableHeaderCell>Serial</TableHeaderCell>
          <TableHeaderCell>Model</TableHeaderCell>
          <TableHeaderCell style={{ width: 96 }}>Size</TableHeaderCell>
          <TableHeaderCell style={{ width: 64 }}>Bus</TableHeaderCell>
          <TableHeaderCell style={{ width: 200 }}>Status</TableHeaderCell>
          <TableHeaderCell>Warnings</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {disks.map((d) => {
          const r = diskRow(d);
          const isSel = selected.includes(d.id);
          const key = bitLockerKeys?.[d.id];
          const keyAction = !!onBitLockerKey && r.selectable && !disabled && (isSel || !!keyActionOnAll);
          return (
            <TableRow
              key={d.id}
              data-testid={`disk-row-${d.serial}`}
              data-selectable={r.selectable}
              data-selected={isSel}
              aria-disabled={!r.selectable}
            >
              <TableCell>
                <Checkbox
                  data-testid={`disk-select-${d.serial}`}
                  checked={isSel}
                  disabled={!r.selectable || disabled}
                  onChange={() => onToggle(d.id)}
                  aria-label={`Use disk ${d.serial} (${formatBytes(d.sizeBytes)})${r.reason ? ` — not available: ${r.reason}` : ''}`}
                />
              </TableCell>
              <TableCell>
                <span style={{ fontFamily: tokens.fontFamilyMonospace }}>{d.serial}</span>{' '}
                {r.rehearsal && (
                  <Badge data-testid={`disk-rehearsal-${d.serial}`} appearance="tint" color="informative" size="small">
                    Rehearsal disk
                  </Badge>
                )}
              </TableCell>
              <TableCell>{d.model}</TableCell>
              <TableCell>{formatBytes(d.sizeBytes)}</TableCell>
              <TableCell>{d.busType}</TableCell>
              <TableCell>
                {r.selectable && key ? (
                  <Text data-testid={`disk-keeps-${d.serial}`}>
                    <LockClosedRegular aria-hidden style={{ verticalAlign: 'middle', marginRight: 4 }} />
                    Keeps its BitLocker volume (key given)
                    <Text
                      as="span"
                      size={200}
                      style={{ display: 'block', fontFamily: tokens.fontFamilyMonospace }}
                      aria-label="Recovery password, masked"
                    >
                      key {maskRecoveryPassword(key)}
                    </Text>
                  </Text>
                ) : r.selectable ? (
                  <Text>
                    {d.jobName
                      ? `Prepared for ${d.jobName}`
                      : d.usedBytes > 0
                        ? `${formatBytes(d.usedBytes)} in use`
                        : 'Available'}
                  </Text>
                ) : (
                  <Text data-testid={`disk-reason-${d.serial}`} style={{ color: tokens.colorPaletteRedForeground1 }}>
                    Not available: {r.reason}
                  </Text>
                )}
                {keyAction && (
                  <div>
                    <Button
                      data-testid={`disk-key-${d.serial}`}
                      size="small"
                      appearance="subtle"
                      icon={<LockClosedRegular />}
                      onClick={() => onBitLockerKey?.(d.id)}
                    >
                      {key ? 'Change key…' : 'Already BitLocker-encrypted…'}
                    </Button>
                  </div>
                )}
              </TableCell>
              <TableCell data-testid={`disk-warnings-${d.serial}`}>
                {r.warnings.map((w) => (
                  <div key={w.code} style={{ display: 'flex', gap: 4, alignItems: 'flex-start' }}>
                    <WarningRegular
                      aria-hidden
                      style={{ color: tokens.colorPaletteDarkOrangeForeground1, flexShrink: 0, marginTop: 2 }}
                    />
                    <Text size={200}>{w.message}</Text>
                  </div>
                ))}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
