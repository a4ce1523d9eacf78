import { describe, expect, it } from 'vitest';
import {
  checkExclusions,
  checkFilePattern,
  checkItems,
  checkOwnDisk,
  checkPath,
  checkRetention,
  checkRetentionCount,
  checkSchedule,
  checkStagingLocation,
  checkTime,
  isUnder,
  recoveryPoints,
  suggestedExclusions,
  upgradeRetentionV1,
  type OwnDiskSettings,
  type Retention,
  type Schedule,
} from './policy.ts';
import {
  policyInputSchema,
  checkBandwidth,
  throttlingSchema,
  proxySchema,
  DEFAULT_THROTTLING,
} from './policy-schema.ts';

const daily: Schedule = { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };
const ret = (o: Partial<Record<keyof Retention, [boolean, number]>>, s: Schedule = daily): Retention =>
  upgradeRetentionV1(
    {
      daily: { enabled: o.daily?.[0] ?? false, count: o.daily?.[1] ?? 1 },
      weekly: { enabled: o.weekly?.[0] ?? false, count: o.weekly?.[1] ?? 1 },
      monthly: { enabled: o.monthly?.[0] ?? false, count: o.monthly?.[1] ?? 1 },
      yearly: { enabled: o.yearly?.[0] ?? false, count: o.yearly?.[1] ?? 1 },
    },
    s,
  );
const own: OwnDiskSettings = {
  stagingLocation: 'D:\\Staging',
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  storageAccount: 'seedacct01',
  storageAccountResourceGroup: 'rg-seed',
  container: 'seed-data',
  importJobName: 'seed-2026',
  jobResourceGroup: 'rg-seed',
};

describe('paths and items', () => {
  it('accepts full Windows, UNC and POSIX paths only', () => {
    expect(checkPath('C:\\Data')).toBeNull();
    expect(checkPath('\\\\srv\\share\\x')).toBeNull();
    expect(checkPath('/srv/data')).toBeNull();
    expect(checkPath('data')).toMatch(/must be a full path/);
    expect(checkPath('')).toBe('Path is required.');
  });
  it('isUnder is case-insensitive on Windows and exact on POSIX', () => {
    expect(isUnder('c:\\data\\x', 'C:\\Data')).toBe(true);
    expect(isUnder('C:\\Database', 'C:\\Data')).toBe(false);
    expect(isUnder('/srv/Data/x', '/srv/data')).toBe(false);
    expect(isUnder('/srv/data/x', '/srv/data/')).toBe(true);
  });
  it('needs an item, refuses duplicates and nesting', () => {
    expect(checkItems([])).toBe('Add at least one file, folder or drive to back up.');
    expect(
      checkItems([
        { path: '/a', kind: 'folder' },
        { path: '/a', kind: 'folder' },
      ]),
    ).toBe('"/a" is listed twice.');
    expect(
      checkItems([
        { path: '/a/b', kind: 'folder' },
        { path: '/a', kind: 'folder' },
      ]),
    ).toBe('"/a/b" is already included in "/a"; remove one of them.');
    expect(
      checkItems([
        { path: '/a', kind: 'folder' },
        { path: '/b', kind: 'file' },
      ]),
    ).toBeNull();
  });
});

describe('exclusions', () => {
  it('checks file-type patterns', () => {
    expect(checkFilePattern('*.mp3')).toBeNull();
    expect(checkFilePattern('')).toMatch(/required/);
    expect(checkFilePattern('music/*.mp3')).toMatch(/may not contain/);
    expect(checkFilePattern('*')).toMatch(/every file/);
    expect(checkFilePattern('a|b')).toMatch(/not allowed/);
  });
  it('folder rules must sit inside a selected item; duplicates are named', () => {
    const items = [{ path: '/data', kind: 'folder' as const }];
    expect(
      checkExclusions(
        { folders: [{ path: '/data/tmp', subfolders: true }], patterns: ['*.tmp'], fileTypes: [] },
        items,
      ),
    ).toEqual({});
    expect(
      checkExclusions({ folders: [{ path: '/other', subfolders: true }], patterns: [], fileTypes: [] }, items)[
        'folders.0'
      ],
    ).toMatch(/not inside any selected item/);
    expect(checkExclusions({ folders: [], patterns: ['*.mp3', '*.MP3'], fileTypes: [] }, items)['patterns.1']).toBe(
      'File type pattern "*.MP3" is listed twice.',
    );
  });
  it('file-type rules scoped to a folder (MARS): a full folder path inside an item, a valid pattern, no duplicates', () => {
    const items = [{ path: 'D:\\Data', kind: 'folder' as const }];
    const rule = (folder: string, pattern: string, subfolders = true) => ({
      folders: [],
      patterns: [],
      fileTypes: [{ folder, pattern, subfolders }],
    });
    expect(checkExclusions(rule('D:\\Data\\Music', '*.mp3'), items)).toEqual({});
    expect(checkExclusions(rule('D:\\', '*.mp3', true), items)).toEqual({}); // a rule on the volume reaches the item below it
    expect(checkExclusions(rule('Music', '*.mp3'), items)['fileTypes.0']).toMatch(/must be a full path/);
    expect(checkExclusions(rule('D:\\Data\\Music', 'a/b'), items)['fileTypes.0']).toMatch(/may not contain/);
    expect(checkExclusions(rule('E:\\Other', '*.mp3'), items)['fileTypes.0']).toBe(
      'Folder "E:\\Other" of the rule *.mp3 is not inside any selected item, so the rule would have no effect.',
    );
    const twice = {
      folders: [],
      patterns: [],
      fileTypes: [
        { folder: 'D:\\Data\\M', pattern: '*.mp3', subfolders: true },
        { folder: 'd:\\data\\m', pattern: '*.MP3', subfolders: false },
      ],
    };
    expect(checkExclusions(twice, items)['fileTypes.1']).toBe('File type *.MP3 in "d:\\data\\m" is listed twice.');
  });
  it('suggests system and temp locations inside the items', () => {
    expect(suggestedExclusions([{ path: 'C:\\', kind: 'drive' }]).map((s) => s.path)).toEqual(
      expect.arrayContaining(['C:\\Windows\\Temp', 'C:\\$Recycle.Bin', 'C:\\System Volume Information']),
    );
    expect(suggestedExclusions([{ path: '/home/ann', kind: 'folder' }])).toEqual([]);
  });
});

describe('schedule', () => {
  it('times on 30-minute boundaries', () => {
    expect(checkTime('00:00')).toBeNull();
    expect(checkTime('23:30')).toBeNull();
    expect(checkTime('10:15')).toBe('Time 10:15 is not on a 30-minute boundary; use 10:00 or 10:30.');
    expect(checkTime('24:00')).toMatch(/HH:MM/);
    expect(checkTime('9:00')).toMatch(/HH:MM/);
  });
  it('1 to 3 times, weekly needs days and 1–4 weeks', () => {
    expect(checkSchedule({ ...daily, times: [] }).times).toBe('Choose at least one time of day for the backup.');
    expect(checkSchedule({ ...daily, times: ['01:00', '02:00', '03:00'] })).toEqual({});
    expect(checkSchedule({ ...daily, times: ['01:00', '02:00', '03:00', '04:00'] }).times).toBe(
      'At most 3 backups a day are allowed (4 times chosen).',
    );
    expect(checkSchedule({ ...daily, times: ['01:00', '01:00'] }).times).toBe('Time 01:00 is chosen twice.');
    const weekly: Schedule = { ...daily, frequency: 'weekly', days: ['sunday'], everyWeeks: 1 };
    expect(checkSchedule(weekly)).toEqual({});
    expect(checkSchedule({ ...weekly, everyWeeks: 4 })).toEqual({});
    expect(checkSchedule({ ...weekly, everyWeeks: 5 }).everyWeeks).toBe(
      '"Every 5 weeks" is out of range: choose every 1 to 4 weeks.',
    );
    expect(checkSchedule({ ...weekly, everyWeeks: 0 }).everyWeeks).toMatch(/1 to 4/);
    expect(checkSchedule({ ...weekly, days: [] }).days).toBe('Choose at least one day of the week.');
    expect(checkSchedule({ ...daily, timeZone: 'Mars/Olympus' }).timeZone).toMatch(
      /is not a time zone this system knows/,
    );
  });
});

describe('retention', () => {
  it.each([
    ['daily', 9999, 10000],
    ['weekly', 5163, 5164],
    ['monthly', 1188, 1189],
    ['yearly', 99, 100],
  ] as const)('%s: 1..%d', (tier, max, over) => {
    expect(checkRetentionCount(tier, 1)).toBeNull();
    expect(checkRetentionCount(tier, max)).toBeNull();
    expect(checkRetentionCount(tier, 0)).toMatch(new RegExp(`must be 1 to ${max}`));
    expect(checkRetentionCount(tier, over)).toMatch(new RegExp(`\\(got ${over}\\)`));
    expect(checkRetentionCount(tier, 1.5)).toMatch(/whole number/);
  });
  it('counts recovery points and caps them at 9,999', () => {
    expect(recoveryPoints(ret({ daily: [true, 30], weekly: [true, 4] }), { ...daily, times: ['01:00', '13:00'] })).toBe(
      64,
    );
    expect(checkRetention(ret({ daily: [true, 3333] }), { ...daily, times: ['01:00', '02:00', '03:00'] })).toEqual({});
    expect(checkRetention(ret({ daily: [true, 3334] }), { ...daily, times: ['01:00', '02:00', '03:00'] }).total).toBe(
      'This retention keeps up to 10,002 recovery points; Azure Backup keeps at most 9,999. Shorten a row.',
    );
    expect(checkRetention(ret({}), daily).total).toMatch(/at least one kind/);
  });
});

describe('own disk', () => {
  it('accepts a complete set', () => expect(checkOwnDisk(own)).toEqual({}));
  it('names each bad field', () => {
    const e = checkOwnDisk({
      ...own,
      stagingLocation: '',
      subscriptionId: 'x',
      storageAccount: 'Bad_Name',
      container: 'a--b',
      importJobName: '9job',
      jobResourceGroup: 'rg.',
    });
    expect(e.stagingLocation).toMatch(/Staging location is required/);
    expect(e.subscriptionId).toMatch(/not a GUID/);
    expect(e.storageAccount).toMatch(/3 to 24 lowercase/);
    expect(e.container).toMatch(/has "--": a container name is 3 to 63/);
    expect(e.importJobName).toMatch(/start with a lowercase letter/);
    expect(e.jobResourceGroup).toMatch(/may not end with a period/);
  });
  it('refuses an existing job name and half UNC paths', () => {
    expect(checkOwnDisk(own, ['SEED-2026']).importJobName).toBe(
      'An import job named "seed-2026" already exists in this subscription; choose another name.',
    );
    expect(checkStagingLocation('\\\\server')).toMatch(/not a complete UNC path/);
    expect(checkStagingLocation('\\\\server\\share')).toBeNull();
  });
});

describe('schemas', () => {
  it('policy input carries the same messages', () => {
    const r = policyInputSchema.safeParse({
      items: [],
      exclusions: { folders: [], patterns: [] },
      schedule: { ...daily, times: ['10:15'] },
      retention: ret({ daily: [true, 0] }),
      initialBackup: { type: 'ownDisks', ownDisk: { ...own, container: 'A' } },
    });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'items: Add at least one file, folder or drive to back up.',
        'schedule.times: Time 10:15 is not on a 30-minute boundary; use 10:00 or 10:30.',
        'retention.daily: Daily retention must be 1 to 9999 days (got 0).',
        expect.stringMatching(/^initialBackup\.ownDisk\.container: /),
      ]),
    );
  });
  it('bandwidth 512 Kbps to 1023 Mbps', () => {
    expect(checkBandwidth(512, 'X')).toBeNull();
    expect(checkBandwidth(1023 * 1024, 'X')).toBeNull();
    expect(checkBandwidth(511, 'Work-hours bandwidth')).toBe(
      'Work-hours bandwidth must be 512 Kbps to 1,023 Mbps (got 511 Kbps).',
    );
    expect(checkBandwidth(1023 * 1024 + 1, 'X')).toMatch(/got 1047553 Kbps/);
    expect(
      throttlingSchema.safeParse({ ...DEFAULT_THROTTLING, enabled: true, workStart: '18:00', workEnd: '09:00' }).error
        ?.issues[0].message,
    ).toBe('Work hours must end after they start (18:00–09:00).');
  });
  it('manual proxy needs host and port', () => {
    expect(proxySchema.safeParse({ mode: 'none' }).success).toBe(true);
    const r = proxySchema.safeParse({ mode: 'manual', host: 'http://p', port: 70000 });
    expect(r.error!.issues.map((i) => i.message)).toEqual([
      'Proxy address "http://p" must be a host name or IP address (no scheme, no port).',
      'Port 70000 must be a whole number from 1 to 65535.',
    ]);
  });
});
