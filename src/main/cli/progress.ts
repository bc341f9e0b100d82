import type { JobProgress } from '../../shared/model/case';
import { formatBytes } from '../report/html';

/**
 * Ingest progress on stderr: a redrawn bar with the phase, rate and ETA on a TTY; otherwise a
 * line every 5 s and one whenever the phase changes (reading, ordering, analysing, fulltext:
 * the analysis of a 1 GiB case runs ~20-25 s, with a bar of its own, and without its name the
 * job looked stuck).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update(p: JobProgress): void;
  end(): void;
} {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let lastPhase = '';
  let lastText = '';
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
        stream.write(`\r\x1b[2K${p.phase} ${bar}${lines} ${rate}${eta} ${cur}`);
        drawn = true;
      } else if (Date.now() - lastLine > 5000 || p.state !== 'running' || p.phase !== lastPhase) {
        const line = `postmortem: ${p.phase} ${pct === null ? '' : `${pct}% `}${lines} ${rate}${eta}\n`;
        if (line === lastText) return;
        lastLine = Date.now();
        lastPhase = p.phase;
        lastText = line;
        stream.write(line);
      }
    },
    end() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
