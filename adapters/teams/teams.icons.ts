// The Teams app icons, drawn in code: a ticket with a check mark. The colour
// icon (192×192) is the white ticket on the accent colour; the outline icon
// (32×32) is the same shape in white on a transparent background, as Teams
// requires. Written as PNG with node:zlib (no image files, no image library).
import { deflateSync } from 'node:zlib';

export const ACCENT_COLOR = '#2F6FDE';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** An 8-bit RGBA image (row-major, 4 bytes per pixel) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// The glyph, in unit coordinates (0..1 across the icon).
const TICKET = { left: 0.22, right: 0.78, top: 0.3, bottom: 0.7, notch: 0.07 };
const CHECK: Array<[number, number]> = [
  [0.37, 0.5],
  [0.46, 0.59],
  [0.63, 0.41],
];

function inTicket(x: number, y: number, inset = 0): boolean {
  const t = TICKET;
  if (x < t.left + inset || x > t.right - inset || y < t.top + inset || y > t.bottom - inset) return false;
  const midY = (t.top + t.bottom) / 2;
  const r = t.notch + inset;
  return Math.hypot(x - t.left, y - midY) > r && Math.hypot(x - t.right, y - midY) > r;
}

function nearCheck(x: number, y: number, halfWidth: number): boolean {
  for (let i = 0; i < CHECK.length - 1; i++) {
    const [ax, ay] = CHECK[i];
    const [bx, by] = CHECK[i + 1];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    if (Math.hypot(x - (ax + t * dx), y - (ay + t * dy)) <= halfWidth) return true;
  }
  return false;
}

type Shader = (x: number, y: number) => [number, number, number, number];

/** Renders with 4×4 supersampling so edges are smooth at 32 px too. */
function render(size: number, shade: Shader): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return out;
}

function hexColor(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

/** 192×192, full colour: the white ticket with an accent-coloured check, on the accent colour. */
export function colorIcon(accent = ACCENT_COLOR): Buffer {
  const [ar, ag, ab] = hexColor(accent);
  const png = render(192, (x, y) => {
    if (inTicket(x, y) && !nearCheck(x, y, 0.035)) return [255, 255, 255, 1];
    return [ar, ag, ab, 1];
  });
  return encodePng(192, 192, png);
}

/** 32×32: the ticket's outline and the check in white; everything else fully transparent. */
export function outlineIcon(): Buffer {
  // The glyph fills more of the small icon: drawn 1.5× larger around the centre.
  const scale = 1.5;
  const stroke = 0.045;
  const png = render(32, (px, py) => {
    const x = 0.5 + (px - 0.5) / scale;
    const y = 0.5 + (py - 0.5) / scale;
    const edge = inTicket(x, y) && !inTicket(x, y, stroke);
    return edge || nearCheck(x, y, 0.03) ? [255, 255, 255, 1] : [0, 0, 0, 0];
  });
  return encodePng(32, 32, png);
}
