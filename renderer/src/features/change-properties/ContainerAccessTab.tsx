/**
 * Container access (SPEC decisions 2 and 15): how runs nobody watches reach the storage account container — the Entra
 * application with this machine's certificate (default), or a container SAS URL for machines without Entra rights.
 * The URL is checked here as typed (shared validator), checked again and stored protected by the main process, and
 * never shown again: only what it is for.
 * data-testid: cp-ca-current, cp-ca-mode, cp-ca-entra, cp-ca-sas, cp-ca-url, cp-ca-url-error, cp-ca-save, cp-ca-note
 */
import { Button, Field, Input, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { useState } from 'react';
import type { ContainerAccessView } from '../../../../shared/policy-schema.ts';
import { parseContainerSasUrl } from '../../../../shared/validators/container-sas.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState } from '../schedule-backup/use-wizard.tsx';

export function describeAccess(a: ContainerAccessView): string {
  if (a.mode !== 'sas' || !a.sas)
    return "The Entra application with this machine's certificate (a token for Azure Storage; not your sign-in, not the account key).";
  const s = a.sas;
  return (
    `A container SAS for ${s.account}/${s.container}` +
    (s.permissions ? ` with the permissions ${s.permissions}` : '') +
    (s.storedPolicy ? `, stored access policy "${s.storedPolicy}"` : '') +
    (s.expiresOn ? `, valid until ${new Date(s.expiresOn).toLocaleString()}` : '') +
    `; entered ${new Date(s.setAt).toLocaleString()}.`
  );
}

export function ContainerAccessTab({ view }: { view: ContainerAccessView }) {
  const [mode, setMode] = useState<'entraApp' | 'sas'>(view.mode);
  const [url, setUrl] = useState('');
  const [touched, setTouched] = useState(false);
  const save = useAppStore((s) => s.saveContainerAccess);
  const saving = useAppStore((s) => s.changeProperties.saving === 'containerAccess');
  let error: string | undefined;
  if (mode === 'sas') {
    if (!url.trim()) error = view.mode === 'sas' ? undefined : 'Paste the container SAS URL.';
    else
      try {
        parseContainerSasUrl(url, { purpose: 'backup' });
      } catch (err) {
        error = (err as Error).message;
      }
  }
  // Switching back to the application, or entering a (new) SAS URL; keeping the stored SAS needs no save.
  const canSave = mode === 'entraApp' ? view.mode === 'sas' : Boolean(url.trim()) && !error;
  const onSave = async () => {
    if (await save(mode === 'sas' ? { mode, sasUrl: url } : { mode })) setUrl('');
  };
  return (
    <div style={{ display: 'grid', gap: 10, maxWidth: 620, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Text data-testid="cp-ca-current">Now: {describeAccess(view)}</Text>
      <Field label="Runs nobody watches reach the storage account container with">
        <RadioGroup data-testid="cp-ca-mode" value={mode} onChange={(_, d) => setMode(d.value as 'entraApp' | 'sas')}>
          <Radio
            data-testid="cp-ca-entra"
            value="entraApp"
            label="The Entra application with this machine's certificate (Schedule Backup's Entra step grants it Storage Blob Data Contributor)"
          />
          <Radio data-testid="cp-ca-sas" value="sas" label="A container SAS URL (for a machine without Entra rights)" />
        </RadioGroup>
      </Field>
      {mode === 'sas' && (
        <Field
          label={
            view.mode === 'sas' ? 'New container SAS URL (leave empty to keep the stored one)' : 'Container SAS URL'
          }
          hint="The container's SAS with read, write, delete and list (rwdl), for the account and container of this backup."
          {...fieldState(touched ? error : undefined, 'cp-ca-url')}
        >
          <Input
            data-testid="cp-ca-url"
            type="password"
            value={url}
            placeholder="https://<account>.blob.core.windows.net/<container>?sv=…&sig=…"
            onChange={(_, d) => setUrl(d.value)}
            onBlur={() => setTouched(true)}
          />
        </Field>
      )}
      <Text size={200} data-testid="cp-ca-note">
        The SAS URL is stored protected on this machine and never shown again. Scheduled runs after the import use it to
        upload their restore points to the container.
      </Text>
      <div>
        <Button
          data-testid="cp-ca-save"
          appearance="primary"
          disabled={saving || !canSave}
          onClick={() => void onSave()}
        >
          Save container access
        </Button>
      </div>
    </div>
  );
}
