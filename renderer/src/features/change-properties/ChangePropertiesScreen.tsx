/**
 * Change Properties (SPEC §2.7): Throttling, Proxy Configuration, Encryption (change passphrase) and Container access tabs.
 * data-testid: cp-screen, cp-tab-<tab>, cp-result, cp-load-error, cp-close (+ fields in the tab components)
 */
import {
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Spinner,
  Tab,
  TabList,
  Text,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../store/index.ts';
import { ThrottlingTab } from './ThrottlingTab.tsx';
import { ProxyTab } from './ProxyTab.tsx';
import { EncryptionTab } from './EncryptionTab.tsx';
import { ContainerAccessTab } from './ContainerAccessTab.tsx';
import type { PropertiesTab } from '../../store/state/change-properties.ts';

type TabId = PropertiesTab;

export function ChangePropertiesScreen() {
  const { view, loadError, result } = useAppStore(
    useShallow((s) => ({
      view: s.changeProperties.view,
      loadError: s.changeProperties.loadError,
      result: s.changeProperties.result,
    })),
  );
  const load = useAppStore((s) => s.loadProperties);
  const navigate = useAppStore((s) => s.navigate);
  const [tab, setTab] = useState<TabId>('throttling');
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section
      data-testid="cp-screen"
      style={{ display: 'grid', gap: 12, maxWidth: 760, gridTemplateColumns: 'minmax(0, 1fr)' }}
    >
      <Text as="h2" size={600} weight="semibold">
        Change Properties
      </Text>
      {loadError && (
        <MessageBarGroup>
          <MessageBar layout="multiline" intent="error" data-testid="cp-load-error">
            <MessageBarBody>The properties could not be read: {loadError}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <TabList selectedValue={tab} onTabSelect={(_, d) => setTab(d.value as TabId)}>
        <Tab value="throttling" data-testid="cp-tab-throttling">
          Throttling
        </Tab>
        <Tab value="proxy" data-testid="cp-tab-proxy">
          Proxy Configuration
        </Tab>
        <Tab value="passphrase" data-testid="cp-tab-passphrase">
          Encryption
        </Tab>
        <Tab value="containerAccess" data-testid="cp-tab-containerAccess">
          Container access
        </Tab>
      </TabList>
      {!view ? (
        !loadError && <Spinner label="Reading properties…" />
      ) : tab === 'throttling' ? (
        <ThrottlingTab key="t" initial={view.throttling} />
      ) : tab === 'proxy' ? (
        <ProxyTab key="p" initial={view.proxy} />
      ) : tab === 'passphrase' ? (
        <EncryptionTab key="e" view={view} />
      ) : (
        <ContainerAccessTab key="c" view={view.containerAccess} />
      )}
      {result && result.tab === tab && (
        <MessageBarGroup>
          <MessageBar
            layout="multiline"
            intent={result.ok ? 'success' : 'error'}
            data-testid="cp-result"
            data-ok={result.ok ? 'yes' : 'no'}
          >
            <MessageBarBody>{result.message}</MessageBarBody>
          </MessageBar>
        </MessageBarGroup>
      )}
      <div>
        <Button data-testid="cp-close" onClick={() => navigate('console')}>
          Close
        </Button>
      </div>
    </section>
  );
}

export default ChangePropertiesScreen;
