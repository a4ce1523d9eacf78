/** The two Electron IPC channels the preload uses; everything else is a contract channel carried inside them. */
export const IPC_INVOKE = 'obc:invoke';
export const IPC_EVENT = 'obc:event';
