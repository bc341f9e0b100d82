/** Reads the sample archive the way an engineer would: with tar, not with Postmortem's code. */
import { execFileSync } from 'node:child_process';

export function archiveMembers(archive: string): string[] {
  return execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' })
    .split('\n')
    .filter((m) => m.length > 0 && !m.endsWith('/'));
}

export function readMember(archive: string, suffix: string): { member: string; text: string } {
  const member = archiveMembers(archive).find((m) => m === suffix || m.endsWith(`/${suffix}`));
  if (!member) throw new Error(`${archive} holds no ${suffix}`);
  return {
    member,
    text: execFileSync('tar', ['-xzOf', archive, member], { encoding: 'utf8', maxBuffer: 64 << 20 }),
  };
}

/** What `grep -c -i needle` prints for this text. */
export function grepCountIgnoreCase(text: string, needle: string): number {
  try {
    return Number(
      execFileSync('grep', ['-c', '-i', '-F', '--', needle], { input: text, encoding: 'utf8' }).trim(),
    );
  } catch (err) {
    // grep exits 1 when nothing matched; it still printed the count.
    const out = (err as { status?: number; stdout?: string }).stdout;
    if ((err as { status?: number }).status === 1 && out !== undefined) return Number(out.trim());
    throw err;
  }
}
