import '../../test-dom-shims.ts';
import { cleanup, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTask } from '../../test-fixtures.ts';
import { JobDetailsDialog } from './JobDetailsDialog.tsx';

afterEach(cleanup);

const restore = (result: Record<string, unknown>, counters = {}) =>
  makeTask({
    id: 'r1',
    kind: 'restore',
    title: 'Recover data: job-o',
    status: 'succeeded',
    endedAt: '2026-11-22T04:03:00.000Z',
    progress: { done: 3, total: 3, unit: 'bytes' },
    counters,
    result: { files: 3, dirs: 1, symlinks: 0, bytes: 3, skipped: [], ...result },
  });

const open = (task: ReturnType<typeof makeTask>) =>
  render(
    <FluentProvider theme={webLightTheme}>
      <JobDetailsDialog task={task} onClose={() => undefined} />
    </FluentProvider>,
  );

describe('JobDetailsDialog of a restore to the original location', () => {
  it('lists each temp file an interrupted earlier restore had left and this one removed, with the count', () => {
    const left = ['/home/ann/docs/.obc-restore-0123456789ab.tmp', '/home/ann/.obc-restore-abcdefabcdef.tmp'];
    open(restore({ leftoversRemoved: left }, { leftoversRemoved: { value: 2, unit: 'files' } }));
    const list = screen.getByTestId('job-details-leftovers');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(left);
    expect(screen.getByRole('region', { name: 'Temp files removed' }).textContent).toContain(
      'Removed: temp files an interrupted earlier restore had left beside these files (2)',
    );
    expect(screen.getByTestId('job-details-counters').textContent).toContain('Leftover temp files removed');
  });

  it('says nothing about temp files when none was removed', () => {
    open(restore({}));
    expect(screen.queryByTestId('job-details-leftovers')).toBeNull();
  });
});
