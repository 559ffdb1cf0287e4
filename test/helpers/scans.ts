// Distinct JPEG scans for batch tests: each is numbered and coloured by its index, so every file has its own content.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

type Colour = (i: number) => { r: number; g: number; b: number };

/** Writes `count` scans `0000-scan.jpg`… into `folder`; resolves with their SHA-256 hashes. */
export async function writeNumberedScans(folder: string, count: number, colour: Colour): Promise<Set<string>> {
  fs.mkdirSync(folder, { recursive: true });
  const hashes = new Set<string>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const svg = Buffer.from(`<svg width="800" height="700"><text x="40" y="90" font-size="48">№ ${i}</text></svg>`);
      const img = await sharp({ create: { width: 800, height: 700, channels: 3, background: colour(i) } })
        .composite([{ input: svg, top: 0, left: 0 }])
        .jpeg({ quality: 60 })
        .toBuffer();
      hashes.add(crypto.createHash('sha256').update(img).digest('hex'));
      fs.writeFileSync(path.join(folder, `${String(i).padStart(4, '0')}-scan.jpg`), img);
    }),
  );
  return hashes;
}
