/** Entry points of the reboot history (issue 5). */
export { buildBootHistory } from './history';
export type { BootHistoryInput, WtmpInput, LastInput } from './inputs';
export { BootScanner, scanBootLines, type BootScan, type SourceSpan } from './scanner';
export {
  detectBootMarker,
  listBootsMarker,
  type BootMarker,
  type MarkerKind,
  type MarkerRole,
} from './markers';
export { crashDirTime, type CrashDir } from './crash-dirs';
export { lastSystemEntries, type LastSystemEntry } from './last-view';
export { toBootJson } from './json';
