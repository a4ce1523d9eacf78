import '../../test-dom-shims.ts';
import { cleanup, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/contract/core.ts';
import { installTransport } from '../../api/client.ts';
import { resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport } from '../../test-transport.ts';
import { FirstRunPanel } from './FirstRunPanel.tsx';

beforeEach(() => {
  installTransport(() => createFakeTransport());
  resetAppStore();
  useAppStore.setState({ settings: { ...DEFAULT_SETTINGS, firstRunDismissed: false } });
});
afterEach(cleanup);

describe('FirstRunPanel', () => {
  it('says where backups live (the container, not a vault) and promises no online transfer this build lacks', () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <FirstRunPanel />
      </FluentProvider>,
    );
    const text = screen.getByTestId('first-run').textContent ?? '';
    expect(screen.getByTestId('first-run-home').textContent).toMatch(
      /live in the storage account container the seed is imported into, not in a Recovery Services vault/,
    );
    expect(text).toMatch(
      /After the import, each scheduled run uploads a restore point of the changes to that container/,
    );
    expect(text).not.toMatch(/only send changes|send only changes|go online/);
    expect(screen.getByTestId('first-run-step-5').textContent).toMatch(
      /check the data in the storage account container/,
    );
  });
});
