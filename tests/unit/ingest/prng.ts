/** Deterministic PRNG (mulberry32) for property loops: same seed, same cases, reproducible failures. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes biased toward the bytes line splitting and decoding care about. */
export function randomBytes(rnd: () => number, maxLen: number): Buffer {
  const n = Math.floor(rnd() * maxLen);
  const b = Buffer.alloc(n);
  const special = [0x0a, 0x0d, 0x00, 0x09, 0x1b, 0xc3, 0xa9, 0xe4, 0xb8, 0x80, 0xff, 0xfe, 0x81, 0x30];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    b[i] =
      r < 0.35
        ? special[Math.floor(rnd() * special.length)]!
        : r < 0.8
          ? 0x20 + Math.floor(rnd() * 95)
          : Math.floor(rnd() * 256);
  }
  return b;
}

/** Cuts a buffer into random chunks (including empty ones). */
export function randomChunks(rnd: () => number, b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < b.length) {
    const len = Math.floor(rnd() * 8);
    out.push(b.subarray(pos, Math.min(b.length, pos + len)));
    pos += len;
  }
  return out;
}
