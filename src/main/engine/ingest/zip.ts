/**
 * Zip archives through yauzl. Zip is not streamable (the truth is the central directory at the
 * end), so a zip is read from a file: the input itself, or a temporary copy of a zip found
 * inside another archive. Names are decoded here (not by yauzl, which rejects a whole archive
 * for one hostile name): UTF-8 when flagged or valid, else GB18030 (Chinese Windows zips),
 * and made safe like tar member paths.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface ZipMember {
  /** Raw decoded name (not yet made safe). */
  name: string;
  /** How the name was decoded, when not plain UTF-8. */
  nameNote: string | null;
  type: 'file' | 'directory' | 'symlink';
  compressedSize: number;
  uncompressedSize: number;
  mtimeMs: number | null;
  encrypted: boolean;
  /** Compression method 0 (stored) or 8 (deflate) can be read. */
  readable: boolean;
  method: number;
  open: () => Promise<Readable>;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

function decodeName(raw: Buffer, utf8Flag: boolean): { name: string; note: string | null } {
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (utf8Flag || !utf8.includes('\uFFFD')) return { name: utf8, note: null };
  try {
    const gb = new TextDecoder('gb18030', { fatal: true }).decode(raw);
    return { name: gb, note: 'member name decoded as GB18030 (not UTF-8)' };
  } catch {
    // CP437 is the zip default; Latin-1 keeps every byte visible and recoverable.
    return {
      name: raw.toString('latin1'),
      note: 'member name is neither UTF-8 nor GB18030; shown as Latin-1',
    };
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    );
  });
}

/**
 * Walks the central directory of a zip file. The caller must consume or destroy each opened
 * stream before asking for the next member. Throws when the file is not a readable zip.
 */
export async function* zipMembers(file: string): AsyncGenerator<ZipMember> {
  const zip = await openZip(file);
  let failure: Error | null = null;
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry): void => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(e);
        };
        const onEnd = (): void => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(null);
        };
        const onError = (err: Error): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(err);
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (entry === null) break;
      const raw = entry.fileName as unknown as Buffer;
      const { name, note } = decodeName(raw, (entry.generalPurposeBitFlag & 0x800) !== 0);
      // Unix mode in the high 16 bits when made on Unix (version made by, high byte 3).
      const madeOnUnix = entry.versionMadeBy >> 8 === 3;
      const mode = madeOnUnix ? (entry.externalFileAttributes >>> 16) & S_IFMT : 0;
      const isDir = name.endsWith('/') || mode === S_IFDIR || (entry.externalFileAttributes & 0x10) !== 0;
      const type: ZipMember['type'] = isDir ? 'directory' : mode === S_IFLNK ? 'symlink' : 'file';
      let mtimeMs: number | null = null;
      try {
        // DOS times carry no zone: read as UTC unless an Info-ZIP/NTFS extra field gives the real time.
        const d = entry.getLastModDate({ timezone: 'UTC' } as yauzl.GetLastModDateOptions);
        mtimeMs = Number.isFinite(d.getTime()) ? d.getTime() : null;
      } catch {
        mtimeMs = null;
      }
      const encrypted = entry.isEncrypted();
      yield {
        name,
        nameNote: note,
        type,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        mtimeMs,
        encrypted,
        method: entry.compressionMethod,
        readable: !encrypted && (entry.compressionMethod === 0 || entry.compressionMethod === 8),
        open: () =>
          new Promise<Readable>((resolve, reject) =>
            zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))),
          ),
      };
    }
  } catch (err) {
    failure = err as Error;
  } finally {
    zip.close();
  }
  if (failure) throw failure;
}
