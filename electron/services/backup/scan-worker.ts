/** Worker thread of the scan: lists one folder per message (scan-list.ts `listFolder`). */
import { parentPort } from 'node:worker_threads';
import { asFsName, listFolder, type ListReply, type ListRequest } from './scan-list.ts';

const port = parentPort;
if (!port) throw new Error('scan-worker must run in a worker thread');

port.on('message', (m: ListRequest) => {
  port.postMessage({ id: m.id, listing: listFolder(asFsName(m.dir), m.sep) } satisfies ListReply);
});
