import type { TaskManager } from '../../services/tasks/task-manager.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import type { AzureService } from '../../services/azure/azure-service.ts';
import type { ImportVerifyService } from '../../services/import-verify/service.ts';

/** Azure sign-in state and the container reader for `--from-container` (the CLI's own data folder and settings). */
export async function cliAzure(): Promise<{
  azure: AzureService;
  importVerify: (tasks: TaskManager) => ImportVerifyService;
}> {
  const dataDir = resolveDataDir();
  const settings = new SettingsStore(dataDir);
  await settings.load();
  // Loaded here only: a backup run does not carry the Azure SDKs in memory.
  const [{ AzureService }, { ImportVerifyService }, { cliOpenUrl }] = await Promise.all([
    import('../../services/azure/azure-service.ts'),
    import('../../services/import-verify/service.ts'),
    import('./azure.ts'),
  ]);
  const azure = new AzureService({ dataDir, settings: () => settings.get(), openUrl: cliOpenUrl });
  return {
    azure,
    importVerify: (tasks) =>
      new ImportVerifyService({ tasks, dataDir, storageAccess: async () => (await azure.session_()).clients }),
  };
}
