/**
 * Proxy Configuration: none, or a manual proxy (address, port, optional user and password; the password is write-only).
 * data-testid: cp-proxy-mode, cp-proxy-none, cp-proxy-manual, cp-proxy-host, cp-proxy-port, cp-proxy-user, cp-proxy-password, cp-proxy-*-error, cp-proxy-save
 */
import { Button, Field, Input, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { proxySchema, type ProxyView } from '../../../../shared/policy-schema.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState } from '../schedule-backup/use-wizard.tsx';

export function ProxyTab({ initial }: { initial: ProxyView }) {
  const [mode, setMode] = useState(initial.mode);
  const [host, setHost] = useState(initial.host ?? '');
  const [port, setPort] = useState(initial.port ? String(initial.port) : '');
  const [user, setUser] = useState(initial.username ?? '');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const save = useAppStore((s) => s.saveProxy);
  const saving = useAppStore((s) => s.changeProperties.saving === 'proxy');
  const input =
    mode === 'none'
      ? { mode }
      : {
          mode,
          host: host.trim(),
          port: Number(port) || 0,
          ...(user ? { username: user } : {}),
          ...(password ? { password } : {}),
        };
  const r = proxySchema.safeParse(input);
  const errors: Record<string, string> = {};
  if (!r.success) for (const i of r.error.issues) errors[String(i.path[0])] ??= i.message;
  const show = (f: string) => (touched[f] ? errors[f] : undefined);
  const touch = (f: string) => setTouched((x) => ({ ...x, [f]: true }));
  return (
    <div style={{ display: 'grid', gap: 10, maxWidth: 520, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Field label="Proxy">
        <RadioGroup data-testid="cp-proxy-mode" value={mode} onChange={(_, d) => setMode(d.value as 'none' | 'manual')}>
          <Radio data-testid="cp-proxy-none" value="none" label="No proxy server" />
          <Radio data-testid="cp-proxy-manual" value="manual" label="Use a proxy server" />
        </RadioGroup>
      </Field>
      {mode === 'manual' && (
        <>
          <Field label="Address" required {...fieldState(show('host'), 'cp-proxy-host')}>
            <Input
              data-testid="cp-proxy-host"
              value={host}
              placeholder="proxy.contoso.local"
              onChange={(_, d) => setHost(d.value)}
              onBlur={() => touch('host')}
            />
          </Field>
          <Field label="Port" required {...fieldState(show('port'), 'cp-proxy-port')}>
            <Input
              data-testid="cp-proxy-port"
              type="number"
              value={port}
              onChange={(_, d) => setPort(d.value)}
              onBlur={() => touch('port')}
            />
          </Field>
          <Field label="User name (optional)">
            <Input data-testid="cp-proxy-user" value={user} onChange={(_, d) => setUser(d.value)} />
          </Field>
          <Field label={initial.hasPassword ? 'Password (leave empty to keep the saved one)' : 'Password (optional)'}>
            <Input
              data-testid="cp-proxy-password"
              type="password"
              value={password}
              onChange={(_, d) => setPassword(d.value)}
            />
          </Field>
        </>
      )}
      <Text size={200}>The password is stored protected on this machine and never shown again.</Text>
      <div>
        <Button
          data-testid="cp-proxy-save"
          appearance="primary"
          disabled={saving || !r.success}
          onClick={() => r.success && void save(r.data)}
        >
          Save proxy settings
        </Button>
      </div>
    </div>
  );
}
