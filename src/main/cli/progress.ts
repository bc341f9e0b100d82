import type { JobProgress } from '../../shared/model/case';
import { formatBytes } from '../report/html';

/** Ingest progress on stderr: a redrawn bar with rate and ETA on a TTY, a line every 5 s otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update(p: JobProgress): void;
  end(): void;
} {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    update(p) {
      const rate = `${formatBytes(p.rate)}/s`;
      const eta = p.etaS === null ? '' : ` ETA ${p.etaS}s`;
      const pct = p.bytesTotal ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : null;
      const lines = `${p.linesDone.toLocaleString('en-US')} lines`;
      if (tty) {
        const width = 24;
        const filled = pct === null ? 0 : Math.round((pct / 100) * width);
        const bar =
          pct === null
            ? ''
            : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% `;
        const cur = (p.current ?? '').slice(-40);
        stream.write(`\r\x1b[2K${bar}${lines} ${rate}${eta} ${cur}`);
        drawn = true;
      } else if (Date.now() - lastLine > 5000 || p.state !== 'running') {
        lastLine = Date.now();
        stream.write(`postmortem: ${p.phase} ${pct === null ? '' : `${pct}% `}${lines} ${rate}${eta}\n`);
      }
    },
    end() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
