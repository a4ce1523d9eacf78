/**
 * A public cloud without an application (client) id: one paragraph on how an organisation registers the console in
 * Microsoft Entra ID, a link to Microsoft's steps, and the field to paste the id into (saved in settings).
 * data-testid: client-id-panel, client-id-steps-link, client-id-input, client-id-error, client-id-save
 */
import { Button, Card, Field, Input, Link, Text } from '@fluentui/react-components';
import { type FormEvent, useState } from 'react';
import { useAppStore } from '../../store/index.ts';

export const REGISTER_APP_STEPS_URL = 'https://learn.microsoft.com/entra/identity-platform/quickstart-register-app';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function clientIdProblem(v: string): string | null {
  const t = v.trim();
  if (!t) return 'Paste the Application (client) ID of your organisation’s app registration.';
  return GUID.test(t)
    ? null
    : `"${t}" is not an Application (client) ID: it looks like 00000000-0000-0000-0000-000000000000.`;
}

export function ClientIdPanel({ cloudName }: { cloudName: string }) {
  const updateSettings = useAppStore((s) => s.updateSettings);
  const loadAuth = useAppStore((s) => s.loadAuth);
  const [value, setValue] = useState('');
  const [tried, setTried] = useState(false);
  const problem = clientIdProblem(value);
  // Never rejects: updateSettings and loadAuth show their own failures (settingsError, authError), so the form's
  // submit event fires and forgets it.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    await updateSettings({ clientId: value.trim() });
    await loadAuth();
  };
  return (
    <Card data-testid="client-id-panel" role="region" aria-labelledby="client-id-title">
      <Text as="h3" id="client-id-title" weight="semibold" style={{ margin: 0 }}>
        {cloudName} needs your organisation’s application (client) ID
      </Text>
      <Text>
        The console signs in as an application registered in your own Microsoft Entra tenant; it does not borrow the ids
        of Microsoft’s tools. An administrator registers it once: in the Microsoft Entra admin center, App registrations
        → New registration, platform “Mobile and desktop applications” with the redirect URI http://localhost, and the
        delegated permissions Azure Service Management user_impersonation and Microsoft Graph User.Read and
        Application.ReadWrite.All. Then paste its Application (client) ID here; it is saved on this machine (the command
        line takes it with obc signin --client-id).{' '}
        <Link
          data-testid="client-id-steps-link"
          href={REGISTER_APP_STEPS_URL}
          target="_blank"
          rel="noopener noreferrer"
        >
          Microsoft’s steps to register an application
        </Link>
        .
      </Text>
      <form
        style={{ display: 'flex', gap: 8, alignItems: 'flex-start', flexWrap: 'wrap' }}
        onSubmit={(e) => void submit(e)}
      >
        <Field
          label="Application (client) ID"
          style={{ flex: '1 1 320px' }}
          validationMessage={
            (tried && problem ? <span data-testid="client-id-error">{problem}</span> : undefined) ?? null
          }
        >
          <Input
            data-testid="client-id-input"
            value={value}
            onChange={(_, d) => setValue(d.value)}
            placeholder="00000000-0000-0000-0000-000000000000"
            autoComplete="off"
          />
        </Field>
        <Button data-testid="client-id-save" type="submit" appearance="primary" style={{ marginTop: 26 }}>
          Save
        </Button>
      </form>
    </Card>
  );
}
